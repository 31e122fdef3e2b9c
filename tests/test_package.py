"""The wheel carries every file the package reads at run time, not only the Python modules.

A test run imports the source tree, where every file is at hand; an installed copy has only
what the wheel holds. (`scripts/check_installed.py`, run by CI, starts the installed app.)
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out),
                    str(ROOT)], check=True, capture_output=True)
    (wheel,) = out.glob("pcp_tui-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_every_resource_file_of_the_package_is_in_the_wheel(wheel_names):
    package = ROOT / "pcp_tui"
    resources = [p.relative_to(ROOT).as_posix() for p in package.rglob("*")
                 if p.is_file() and p.suffix not in (".py", ".pyc")
                 and "bundled" not in p.parts and "__pycache__" not in p.parts]
    assert "pcp_tui/tui/app.tcss" in resources
    assert [r for r in resources if r not in wheel_names] == []


def test_the_bundled_framework_and_sample_are_in_the_wheel(wheel_names):
    assert "pcp_tui/bundled/config.toml" in wheel_names
    sample = sorted(p.name for p in (ROOT / "data").iterdir() if p.is_file())
    assert [n for n in sample if f"pcp_tui/bundled/data/{n}" not in wheel_names] == []


def test_every_module_is_in_the_wheel(wheel_names):
    modules = [p.relative_to(ROOT).as_posix() for p in (ROOT / "pcp_tui").rglob("*.py")
               if "bundled" not in p.parts]
    assert [m for m in modules if m not in wheel_names] == []
