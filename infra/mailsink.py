#!/usr/bin/env python3
"""Dev/test SMTP sink: accept every message and store it as an .eml file.

Started by ``infra/services.sh start mail`` with the project venv's Python
(it needs aiosmtpd: the stdlib ``smtpd`` module is gone since Python 3.12).

Each message becomes ``<dir>/<UTC timestamp>-<random hex>.eml``. The file is
written under a hidden temporary name and then renamed, so a test polling the
directory never reads a half-written message. The SMTP envelope is recorded
in two headers prepended to the message, because Bcc recipients appear
nowhere else:

    X-Envelope-From: <MAIL FROM address>
    X-Envelope-To: <RCPT TO addresses, comma-separated>

Any AUTH is accepted (over plain TCP too) so an app configured with
EMAIL_HOST_USER/PASSWORD works against the sink unchanged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import logging
import os
import secrets
import signal
import sys
from pathlib import Path

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

log = logging.getLogger("mailsink")


class SinkHandler:
    """aiosmtpd handler that writes each message to a directory."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        headers = (
            f"X-Envelope-From: {envelope.mail_from or ''}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        name = f"{stamp}-{secrets.token_hex(4)}.eml"
        tmp = self.directory / f".{name}.tmp"
        try:
            tmp.write_bytes(headers + raw)
            os.replace(tmp, self.directory / name)
        except OSError as exc:
            log.error("cannot store message: %s", exc)
            return "451 Requested action aborted: cannot store message"
        log.info(
            "stored %s from=%s to=%s (%d bytes)",
            name,
            envelope.mail_from,
            envelope.rcpt_tos,
            len(raw),
        )
        return "250 OK: message stored"


def accept_any_auth(server, session, envelope, mechanism, auth_data) -> AuthResult:
    return AuthResult(success=True)


async def serve(host: str, port: int, directory: Path) -> None:
    loop = asyncio.get_running_loop()
    handler = SinkHandler(directory)

    def factory() -> SMTP:
        # hostname given explicitly: the default calls socket.getfqdn(),
        # which can stall on a machine without working DNS.
        return SMTP(
            handler,
            hostname="mailsink.localhost",
            enable_SMTPUTF8=True,
            authenticator=accept_any_auth,
            auth_require_tls=False,
            loop=loop,
        )

    server = await loop.create_server(factory, host=host, port=port)
    log.info("listening on %s:%d, storing messages in %s", host, port, directory)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()

    log.info("stopping")
    server.close()
    # Do not hang on a client that keeps its connection open.
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(server.wait_closed(), timeout=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("INDIMAJ_SMTP_PORT", "51025"))
    )
    parser.add_argument(
        "--dir",
        type=Path,
        default=Path(os.environ.get("INDIMAJ_STATE_DIR", "/var/lib/indimaj")) / "mail",
    )
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
    )
    # aiosmtpd logs every SMTP command at INFO: keep only its warnings.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    args.dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(serve(args.host, args.port, args.dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
