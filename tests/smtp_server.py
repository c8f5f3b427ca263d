"""A real SMTP server for the tests and the benchmark: ``aiosmtpd`` on 127.0.0.1 and a free port,
in this process, keeping every message it accepts so a test can read what arrived.

With ``tls=True`` it offers STARTTLS (or, with ``implicit_tls=True``, speaks TLS from the first
byte) with a self-signed certificate for 127.0.0.1 made here with ``cryptography``; ``client_context``
is the context a sender must use to trust it. With ``users`` it asks for a login.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import ipaddress
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: tuple[str, ...]
    message: EmailMessage
    raw: bytes

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def html(self) -> str:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else ""

    def attachments(self) -> list[EmailMessage]:
        return list(self.message.iter_attachments())


@dataclass
class Inbox:
    """The server's handler: what arrived, which recipients to refuse, and a switch to hold DATA."""

    received: list[Received] = field(default_factory=list)
    #: address → SMTP answer to RCPT ("550 5.1.1 No such user")
    refuse: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _held: asyncio.Event | None = None
    #: set whenever a message arrives
    arrived: threading.Event = field(default_factory=threading.Event)
    loop: asyncio.AbstractEventLoop | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        raw = bytes(envelope.content)
        message = email.message_from_bytes(raw, policy=default)
        with self._lock:
            self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message, raw))  # type: ignore[arg-type]
            count = len(self.received)
        self.arrived.set()
        if self._held is not None:
            await self._held.wait()  # the message is in; its sender waits for an answer that does not come yet
        return f"250 2.0.0 Ok: queued as T{count}"

    def hold(self) -> None:
        """From now on, keep each sender waiting after its message arrived (until ``release``)."""
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._start_holding)

    def _start_holding(self) -> None:
        self._held = asyncio.Event()

    def release(self) -> None:
        assert self.loop is not None
        self.loop.call_soon_threadsafe(self._stop_holding)

    def _stop_holding(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            held.set()

    def messages(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def count(self) -> int:
        with self._lock:
            return len(self.received)


@dataclass
class SmtpServer:
    host: str
    port: int
    inbox: Inbox
    client_context: ssl.SSLContext | None
    controller: Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 and localhost, valid for a day."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


class _Logins:
    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            login, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(login) == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


@contextmanager
def smtp_server(
    *, tls: bool = False, implicit_tls: bool = False, users: dict[str, str] | None = None
) -> Iterator[SmtpServer]:
    """Start the server, yield it, stop it."""
    inbox = Inbox()
    with tempfile.TemporaryDirectory(prefix="trustdesk-smtp-") as folder:
        server_context = client_context = None
        if tls or implicit_tls:
            cert, key = self_signed(Path(folder))
            server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            server_context.load_cert_chain(cert, key)
            client_context = ssl.create_default_context(cafile=str(cert))
        port = free_port()
        options: dict = {"ready_timeout": 10, "server_hostname": "127.0.0.1"}
        if users is not None:
            options.update(
                authenticator=_Logins(users), auth_required=True, auth_require_tls=tls
            )  # implicit TLS is TLS from the first byte; aiosmtpd only knows of STARTTLS
        if implicit_tls:
            controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=server_context, **options)
        elif tls:
            controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=server_context,
                                    require_starttls=True, **options)  # fmt: skip
        else:
            controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        inbox.loop = controller.loop
        try:
            yield SmtpServer("127.0.0.1", port, inbox, client_context, controller)
        finally:
            inbox.release() if inbox._held is not None else None
            controller.stop()
