"""Packaging glue pyproject.toml cannot say. Everything else is in pyproject.toml.

- The repository-top ``templates/`` folder ships as the package ``complaintdesk.templates``
  (package_dir below; read with importlib.resources), so an installed service has its mail
  templates wherever it runs.
- The repository-top ``config.yaml`` (the documented default) ships as
  ``complaintdesk/config.example.yaml``; ``complaintdesk config-example`` prints it.
"""

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

PACKAGES = find_namespace_packages(
    include=["complaintdesk", "complaintdesk.*", "base*", "pipeline*", "operations*",
             "ingest*", "classify*", "journal*", "replies*", "web", "web.*"],
    exclude=["complaintdesk.templates*"],
)


class BuildWithConfigExample(build_py):
    """build_py, plus the default config copied into the built package."""

    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / "complaintdesk" / "config.example.yaml"
            shutil.copyfile(Path(__file__).parent / "config.yaml", target)


setup(
    packages=[*PACKAGES, "complaintdesk.templates"],
    package_dir={"complaintdesk.templates": "templates"},
    cmdclass={"build_py": BuildWithConfigExample},
)
