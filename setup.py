"""Only here to ship the content packs (data/) inside the package as bot/_packs.

Everything else about the build lives in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

PACK_SUFFIXES = {".toml", ".md"}


class BuildPyWithPacks(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install reads data/ in place (see bot.content.loader)
        target = Path(self.build_lib) / "bot" / "_packs"
        for source in sorted(Path("data").rglob("*")):
            if source.is_file() and source.suffix in PACK_SUFFIXES:
                destination = target / source.relative_to("data")
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, destination)


setup(cmdclass={"build_py": BuildPyWithPacks})
