"""Child processes for tests that cross a process boundary (web server, worker, scheduler).

Children get the test database's name and the test settings through the environment, so
they see exactly the committed data the test wrote.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connection

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ARTIFACTS = REPO / "artifacts"


def child_env(**extra: str) -> dict[str, str]:
    name = str(connection.settings_dict["NAME"])
    assert name.startswith("test_"), f"child processes must use the test database, not {name}"
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        INDIMAJ_DB_NAME=name,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


class Child:
    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.name = name
        self.log_path = ARTIFACTS / f"{name}.log"
        self.log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def wait_for(self, condition: Callable[[], bool], *, timeout: float, what: str) -> None:
        """Wait for the child to be ready; on failure stop it, so it cannot hold the test DB."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                self.stop()
                raise RuntimeError(
                    f"{self.name} exited while waiting for {what}; see {self.log_path}"
                )
            with contextlib.suppress(Exception):  # the child is still starting
                if condition():
                    return
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"{self.name}: no {what} after {timeout} s; see {self.log_path}")

    def stop(self, timeout: float = 15) -> None:
        if self.log.closed:
            return
        if self.alive():
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(5)
        self.log.close()


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise TimeoutError(f"no {what} after {timeout} s")
