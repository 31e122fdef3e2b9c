"""Every view says so when the bundled illustrative sample is loaded, and only then."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pcp_tui.cli import main
from pcp_tui.provenance import SAMPLE_WORDS, illustrative_files

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config.toml")
DATA = ROOT / "data"


@pytest.fixture
def real_looking(tmp_path: Path) -> Path:
    """The sample's returns without the line that says they are the sample."""
    folder = tmp_path / "returns"
    folder.mkdir()
    for path in sorted(DATA.glob("*.csv")):
        text = path.read_text(encoding="utf-8").replace(
            "ILLUSTRATIVE SAMPLE DATA, NOT OFFICIAL STATISTICS (see data/README.md)", "")
        (folder / path.name).write_text(text, encoding="utf-8")
    return folder


def run(capsys, tmp_path, data, *argv):
    main([*argv, "--config", CONFIG, "--data", str(data),
          "--notes", str(tmp_path / "notes.jsonl")])
    return capsys.readouterr().out


def test_every_sample_return_declares_itself():
    files = sorted(DATA.glob("*.csv"))
    assert files and illustrative_files(files) == tuple(map(str, files))


@pytest.mark.parametrize("argv", [["alerts"], ["summary"], ["show", "homicides"]])
def test_the_printouts_end_with_the_notice(argv, capsys, tmp_path):
    out = run(capsys, tmp_path, DATA, *argv).rstrip()
    assert out.splitlines()[-1] == f"{SAMPLE_WORDS}."


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_the_report_opens_with_the_notice(fmt, capsys, tmp_path):
    out = run(capsys, tmp_path, DATA, "report", "--format", fmt)
    head = out[: out.index("Alerts this quarter")]
    assert SAMPLE_WORDS in head


@pytest.mark.parametrize("argv", [["alerts"], ["summary"], ["report"]])
def test_other_returns_carry_no_notice(argv, capsys, tmp_path, real_looking):
    assert SAMPLE_WORDS not in run(capsys, tmp_path, real_looking, *argv)


def test_a_copy_of_one_sample_return_among_others_still_says_so(tmp_path, real_looking):
    shutil.copy(DATA / "2021-22_Q2.csv", real_looking / "2021-22_Q2.csv")
    assert illustrative_files(sorted(real_looking.iterdir())) == (
        str(real_looking / "2021-22_Q2.csv"),)
