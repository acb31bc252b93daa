"""Control messages from the app on stdin (one JSON object per line).

Only `{"type": "cancel"}` exists. Reading stdin from a thread works the same on every OS
(signals do not reach a Windows child the same way). End of input is not a cancel: the app
may close stdin, and tests run the worker with stdin at /dev/null.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from collections.abc import Callable
from typing import TextIO


class CancelToken:
    """Set once a cancel arrived; polled by the training callback between optimizer steps."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self.source: str | None = None  # "stdin" or "interrupt", for the log line

    def cancel(self, source: str = "stdin") -> None:
        if self.source is None:
            self.source = source
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
        token.cancel("stdin")
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


def install_sigint_cancel(token: CancelToken) -> None:
    """Ctrl-C on the command line: the first press cancels like {"type":"cancel"} (checkpoint, then
    finished: cancelled); a second press interrupts at once. Main thread only (Python's rule).

    The handler only sets the token: it may run while the main thread is inside the event writer,
    and taking the writer's lock (or writing at all) from here would deadlock.
    """

    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            raise KeyboardInterrupt
        token.cancel("interrupt")

    signal.signal(signal.SIGINT, handler)
