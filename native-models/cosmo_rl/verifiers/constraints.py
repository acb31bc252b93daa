"""The constraint language of instruction items (their ``reference`` field).

An instruction item's ``reference`` is a list of constraint strings (a single string is one
constraint). Each is ``name`` or ``name:argument``; the answer (the text after ``</think>``,
or the whole response when there is no think block) is checked against each, and R_task is
the fraction satisfied.

| constraint | satisfied when the answer ... |
|---|---|
| ``max_words:N`` / ``min_words:N`` | has at most / at least N words (whitespace-separated) |
| ``max_chars:N`` / ``min_chars:N`` | has at most / at least N characters (surrounding whitespace stripped) |
| ``max_sentences:N`` | has at most N sentences (split on . ! ? followed by space or end) |
| ``must_include:TEXT`` | contains TEXT, case-insensitively |
| ``must_not_include:TEXT`` | does not contain TEXT, case-insensitively |
| ``starts_with:TEXT`` / ``ends_with:TEXT`` | starts / ends with TEXT (exact case, surrounding whitespace stripped) |
| ``lowercase`` / ``uppercase`` | has no upper-case / no lower-case letters (and has some letters) |
| ``json`` | parses as JSON (a fenced ```json block is unwrapped first) |
| ``bullets:N`` | has exactly N lines starting with ``-``, ``*`` or ``•`` followed by a space |
| ``paragraphs:N`` | has exactly N paragraphs (blocks separated by blank lines) |
| ``no_commas`` | contains no comma |

Arguments run to the end of the string (so TEXT may itself contain ``:``). Unknown names or
bad numbers are rejected when a snapshot is loaded (``parse_constraint`` raises ValueError).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

_BULLET = re.compile(r"^\s*(?:[-*•])\s+\S", re.M)
_SENTENCE_END = re.compile(r"[.!?]+(?:\s+|$)")
_FENCE = re.compile(r"^```(?:json)?\s*\n(.*?)\n?```$", re.S)


@dataclass(frozen=True)
class Constraint:
    name: str
    argument: str | None
    check: Callable[[str], bool]
    source: str

    def __call__(self, answer: str) -> bool:
        return self.check(answer)


def _int_arg(name: str, arg: str | None) -> int:
    if arg is None or not arg.strip().isdigit():
        raise ValueError(f"constraint '{name}' needs a whole number argument, e.g. '{name}:3'")
    return int(arg.strip())


def _text_arg(name: str, arg: str | None) -> str:
    if not arg:
        raise ValueError(f"constraint '{name}' needs a text argument, e.g. '{name}:foo'")
    return arg


def _is_json(answer: str) -> bool:
    text = answer.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _paragraphs(answer: str) -> int:
    return len([p for p in re.split(r"\n\s*\n", answer.strip()) if p.strip()])


def _sentences(answer: str) -> int:
    text = answer.strip()
    if not text:
        return 0
    parts = [p for p in _SENTENCE_END.split(text) if p.strip()]
    return len(parts)


def _make(name: str, arg: str | None) -> Callable[[str], bool]:
    # Each branch validates its argument now, so a bad constraint fails at snapshot load.
    if name == "max_words":
        n = _int_arg(name, arg)
        return lambda a: len(a.split()) <= n
    if name == "min_words":
        n = _int_arg(name, arg)
        return lambda a: len(a.split()) >= n
    if name == "max_chars":
        n = _int_arg(name, arg)
        return lambda a: len(a.strip()) <= n
    if name == "min_chars":
        n = _int_arg(name, arg)
        return lambda a: len(a.strip()) >= n
    if name == "max_sentences":
        n = _int_arg(name, arg)
        return lambda a: _sentences(a) <= n
    if name == "must_include":
        text = _text_arg(name, arg).lower()
        return lambda a: text in a.lower()
    if name == "must_not_include":
        text = _text_arg(name, arg).lower()
        return lambda a: text not in a.lower()
    if name == "starts_with":
        text = _text_arg(name, arg)
        return lambda a: a.strip().startswith(text)
    if name == "ends_with":
        text = _text_arg(name, arg)
        return lambda a: a.strip().endswith(text)
    if name in ("lowercase", "uppercase", "json", "no_commas"):
        if arg is not None:
            raise ValueError(f"constraint '{name}' takes no argument")
        if name == "lowercase":
            return lambda a: any(c.isalpha() for c in a) and a == a.lower()
        if name == "uppercase":
            return lambda a: any(c.isalpha() for c in a) and a == a.upper()
        if name == "json":
            return _is_json
        return lambda a: "," not in a
    if name == "bullets":
        n = _int_arg(name, arg)
        return lambda a: len(_BULLET.findall(a)) == n
    if name == "paragraphs":
        n = _int_arg(name, arg)
        return lambda a: _paragraphs(a) == n
    raise ValueError(f"unknown constraint '{name}' (known: {', '.join(CONSTRAINT_NAMES)})")


CONSTRAINT_NAMES: tuple[str, ...] = (
    "max_words",
    "min_words",
    "max_chars",
    "min_chars",
    "max_sentences",
    "must_include",
    "must_not_include",
    "starts_with",
    "ends_with",
    "lowercase",
    "uppercase",
    "json",
    "bullets",
    "paragraphs",
    "no_commas",
)


def parse_constraint(source: str) -> Constraint:
    """Parse one constraint string; raises ValueError with a readable reason."""
    name, sep, arg = source.partition(":")
    name = name.strip()
    return Constraint(name=name, argument=arg if sep else None, check=_make(name, arg if sep else None), source=source)


def satisfied_fraction(constraints: list[str], answer: str) -> float:
    """Fraction of ``constraints`` the answer satisfies (0.0 when there are none)."""
    if not constraints:
        return 0.0
    parsed = [parse_constraint(c) for c in constraints]
    return sum(1 for c in parsed if c(answer)) / len(parsed)
