"""The SMTP conversation: connect as the settings say, log in, and send one message at a time,
keeping the server's answer to DATA (what the outbox records as proof of sending).

Errors become ``MailError`` with one sentence and whether trying again may help: a 5xx answer
is permanent, a 4xx answer, a dropped connection or an unreachable server is not.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from types import TracebackType

from db.mail.settings import MailSettings, Security

TIMEOUT_SECONDS = 30


class MailError(Exception):
    def __init__(self, sentence: str, *, permanent: bool, bounced: bool = False, connection: bool = False) -> None:
        super().__init__(sentence)
        self.sentence = sentence
        #: trying again will not help (a 5xx answer)
        self.permanent = permanent
        #: the server refused the recipient for good: flag the address on the person
        self.bounced = bounced
        #: the connection itself failed: every message still to send meets the same fate
        self.connection = connection


@dataclass(frozen=True, slots=True)
class Sent:
    response: str


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    return f"{code} {' '.join(words.split())}".strip()


class SmtpSender:
    """One connection, many messages. ``context`` is the TLS context (tests pass their own CA)."""

    def __init__(self, settings: MailSettings, password: str | None, context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.password = password
        self.context = context or ssl.create_default_context()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSender:
        self.connect()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def connect(self) -> None:
        s = self.settings
        where = f"{s.host}:{s.port}"
        try:
            if s.security is Security.TLS:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, s.port, timeout=TIMEOUT_SECONDS, context=self.context)
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS)
            smtp.ehlo()
            if s.security is Security.STARTTLS:
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise MailError(
                        f"The mail server {where} does not offer STARTTLS.", permanent=False, connection=True
                    )
                smtp.starttls(context=self.context)
                smtp.ehlo()
            if s.login:
                smtp.login(s.login, self.password or "")
        except MailError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(
                f"The mail server {where} refused the login “{s.login}” ({_answer(exc.smtp_code, exc.smtp_error)}).",
                permanent=False,
                connection=True,
            ) from exc
        except ssl.SSLError as exc:
            raise MailError(f"A secure connection to {where} failed: {exc.reason or exc}.", permanent=False,
                            connection=True) from exc  # fmt: skip
        except smtplib.SMTPNotSupportedError as exc:
            raise MailError(f"The mail server {where} does not accept a login.", permanent=False,
                            connection=True) from exc  # fmt: skip
        except (OSError, smtplib.SMTPException) as exc:
            raise MailError(f"Cannot reach the mail server {where}: {_reason(exc)}.", permanent=False,
                            connection=True) from exc  # fmt: skip
        self._smtp = smtp

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()

    def send(self, sender: str, recipient: str, data: bytes) -> Sent:
        """MAIL, RCPT, DATA for one message; the server's answer to DATA, or ``MailError``."""
        if self._smtp is None:
            self.connect()
        smtp = self._smtp
        assert smtp is not None
        try:
            code, text = smtp.mail(sender)
            if code != 250:
                smtp.rset()
                raise MailError(f"The mail server refused the sender {sender} ({_answer(code, text)}).",
                                permanent=code >= 500)  # fmt: skip
            code, text = smtp.rcpt(recipient)
            if code not in (250, 251):
                smtp.rset()
                raise MailError(f"The mail server refused {recipient} ({_answer(code, text)}).",
                                permanent=code >= 500, bounced=code >= 500)  # fmt: skip
            code, text = smtp.data(data)
        except MailError:
            raise
        except smtplib.SMTPDataError as exc:
            smtp.rset()
            raise MailError(f"The mail server refused the message ({_answer(exc.smtp_code, exc.smtp_error)}).",
                            permanent=exc.smtp_code >= 500) from exc  # fmt: skip
        except (OSError, smtplib.SMTPException) as exc:
            self._smtp = None
            smtp.close()
            raise MailError(f"The connection to the mail server broke: {_reason(exc)}.", permanent=False,
                            connection=True) from exc  # fmt: skip
        return Sent(_answer(code, text))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "no such server name"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer in time"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    text = str(exc).strip() or type(exc).__name__
    return " ".join(text.split())
