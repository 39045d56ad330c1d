"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it accepts, for the outbox tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    """What the server accepted: each message's recipients and its raw bytes."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook name
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 Message accepted for delivery"

    def parsed(self) -> list[Message]:
        return [message_from_bytes(raw) for _, raw in self.messages]

    def to(self, address: str) -> list[Message]:
        return [message_from_bytes(raw) for rcpt, raw in self.messages if address in rcpt]


@contextmanager
def smtp_server(port: int | None = None) -> Iterator[tuple[str, Received]]:
    """An SMTP server on 127.0.0.1; yields its `smtp://` URL and what it received."""
    received = Received()
    port = port or free_port()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", received
    finally:
        controller.stop()
