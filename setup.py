"""Ship ``messages/`` and ``schedules/`` inside the wheel (as ``bot/_data``), so an installed
``safetybot`` finds its templates and catalog; a source checkout uses the top-level folders."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA_DIRS = ("messages", "schedules")


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        for name in DATA_DIRS:
            target = Path(self.build_lib) / "bot" / "_data" / name
            shutil.copytree(Path(name), target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithData})
