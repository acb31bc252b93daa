"""Control messages from the app on stdin (one JSON object per line).

Only `{"type": "cancel"}` exists. Reading stdin from a thread works the same on every OS
(signals do not reach a Windows child the same way). End of input is not a cancel: the app
may close stdin, and tests run the worker with stdin at /dev/null.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable
from typing import TextIO


class CancelToken:
    """Set once a cancel arrived; polled by the training callback between optimizer steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def handle_line(line: str, token: CancelToken, warn: Callable[[str], None]) -> None:
    text = line.strip()
    if not text:
        return
    try:
        message = json.loads(text)
    except json.JSONDecodeError:
        warn(f"ignored control line that is not JSON: {text[:200]!r}")
        return
    kind = message.get("type") if isinstance(message, dict) else None
    if kind == "cancel":
        token.cancel()
    else:
        warn(f"ignored unknown control message: {text[:200]!r}")


def start_stdin_reader(
    token: CancelToken, warn: Callable[[str], None], stream: TextIO | None = None
) -> threading.Thread:
    """Read control lines in a daemon thread (it never keeps the process alive)."""
    source = stream if stream is not None else sys.stdin

    def run() -> None:
        try:
            for line in source:
                handle_line(line, token, warn)
        except (OSError, ValueError):
            # stdin closed or detached under us: no more control messages can arrive.
            return

    thread = threading.Thread(target=run, name="cosmo-control", daemon=True)
    thread.start()
    return thread
