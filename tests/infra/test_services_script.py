"""The service scripts stop with a message that says what to do."""

import socket
import subprocess

from tests.support.processes import REPO


def test_port_taken_by_another_program_is_named(tmp_path):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = subprocess.run(
            ["bash", "infra/services.sh", "start", "mail"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={
                "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
                "INDIMAJ_STATE_DIR": str(tmp_path),
                "INDIMAJ_SMTP_PORT": str(port),
            },
        )
    assert result.returncode != 0
    assert f"port {port} is taken by another process" in result.stderr
    assert "INDIMAJ_SMTP_PORT" in result.stderr
