"""Carry the top-level config.toml and data/ into the wheel as pcp_tui/bundled/.

The framework and the sample returns live at the top of the repository, where analysts
read and edit them; an installed copy needs them inside the package so that `pcp-tui`
works from any folder.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).parent


class BuildWithBundle(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "pcp_tui" / "bundled"
        if target.exists():
            shutil.rmtree(target)
        (target / "data").mkdir(parents=True)
        shutil.copy2(ROOT / "config.toml", target / "config.toml")
        for path in sorted((ROOT / "data").iterdir()):
            if path.is_file():
                shutil.copy2(path, target / "data" / path.name)


setup(cmdclass={"build_py": BuildWithBundle})
