"""The SMTP relay from `TASKING_SMTP_URL`: `smtp://host:port` (STARTTLS when the server offers it)
or `smtps://user:password@host:465`. The standard library's smtplib does the talking."""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

from tasking.errors import DomainError

TIMEOUT = 30


@dataclass(frozen=True)
class Relay:
    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str | None) -> Relay:
        if not url:
            raise DomainError(
                "TASKING_SMTP_URL", "is not set; e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host:465"
            )
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise DomainError("TASKING_SMTP_URL", "must be smtp://host:port or smtps://user:pass@host:port")
        return cls(
            scheme=parts.scheme,
            host=parts.hostname,
            port=parts.port or (465 if parts.scheme == "smtps" else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
        )

    @classmethod
    def from_env(cls) -> Relay:
        return cls.from_url(os.environ.get("TASKING_SMTP_URL"))

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the relay; returns only once the server accepted it (else raises)."""
        if self.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        with client:
            client.ehlo()
            if self.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=ssl.create_default_context())
                client.ehlo()
            if self.username:
                client.login(self.username, self.password or "")
            refused = client.send_message(message)
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
