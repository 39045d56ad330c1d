"""Structured logs: JSON lines to stderr (or a file), pretty on a TTY. Never personal data."""

from __future__ import annotations

import logging
import os
import sys
from typing import TextIO, cast

import structlog

from tasking.files import open_private


def configure_logging(level: str | None = None, file: str | None = None, verbose: bool = False) -> None:
    """Configure once per process. `TASKING_LOG_LEVEL` and `TASKING_LOG_FILE` override defaults.

    JSON lines go to the log file, or to stderr when it is not a terminal. On a terminal a person
    sees only the command's own message (and warnings), unless `verbose` asks for the log too.
    """
    level_name = (level or os.environ.get("TASKING_LOG_LEVEL") or "info").upper()
    file = file or os.environ.get("TASKING_LOG_FILE") or None
    stream = cast(TextIO, open_private(file, "a", encoding="utf-8")) if file else sys.stderr
    pretty = not file and stream.isatty()
    if pretty and not verbose and logging.getLevelName(level_name) < logging.WARNING:
        level_name = "WARNING"
    renderer = structlog.dev.ConsoleRenderer() if pretty else structlog.processors.JSONRenderer(sort_keys=True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level_name, logging.INFO)),
        logger_factory=structlog.PrintLoggerFactory(stream),
        cache_logger_on_first_use=False,
    )
