"""platform/ is a source root, not a package: it must never shadow the stdlib module."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_platform_folder_has_no_init():
    assert (REPO / "platform").is_dir()
    assert not (REPO / "platform" / "__init__.py").exists()


def test_stdlib_platform_works_inside_the_django_process():
    code = "import uuid, platform; print(platform.system(), uuid.uuid4().version)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["Linux", "4"]


def test_no_top_level_package_is_named_like_a_stdlib_module():
    roots = [REPO, REPO / "platform"]
    packages = {path.parent.name for root in roots for path in root.glob("*/__init__.py")}
    assert packages  # the scan found the project's packages
    assert packages.isdisjoint(sys.stdlib_module_names)
