"""How a one-shot worker job (generate, score, merge, verifier training) ends, the same for all:
its events go to stdout (the studio reads them), a user's mistake is one plain sentence, anything
else carries its traceback (also on stderr), an out-of-memory failure gets the job's advice, and
the last event is always ``finished``. Training has its own loop in ``train.py``."""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from cosmo_rl.protocol import Error, EventWriter, Finished, claim_stdout


def run_job(
    job: Callable[[EventWriter], Path],
    *,
    user_errors: tuple[type[BaseException], ...] = (),
    user_error_names: frozenset[str] = frozenset(),
    oom_advice: str | None = None,
) -> int:
    """Runs ``job`` with the event writer on stdout; returns the process's exit status.

    ``user_error_names`` matches exceptions by class name, for ones raised by modules this job
    imports lazily (e.g. ``UnsupportedModelError``), so importing them here costs nothing."""
    writer = EventWriter(claim_stdout())
    try:
        output = job(writer)
    except Exception as exc:
        user_error = isinstance(exc, user_errors) or type(exc).__name__ in user_error_names
        trace = None if user_error else traceback.format_exc()
        if trace:
            print(trace, file=sys.stderr)
        advice = None
        if oom_advice is not None:
            from cosmo_rl.devices import is_out_of_memory

            advice = oom_advice if is_out_of_memory(exc) else None
        writer.emit(
            Error(message=str(exc) if user_error else f"{type(exc).__name__}: {exc}", traceback=trace, advice=advice)
        )
        writer.emit(Finished(status="failed", checkpoint=None))
        return 1
    writer.emit(Finished(status="completed", checkpoint=None, output=str(output)))
    return 0
