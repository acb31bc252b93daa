"""Answer matching for knowledge / general items: normalised text, numbers with tolerance.

A reference list is the parts of one answer: every part must be found in the answer for
``correct`` (1.0), some for ``partial`` (0.5), none for ``wrong`` (0.0).

A part matches when:
- it is a number (``42``, ``-3.5``, ``1,000``, ``3/4``, ``50%``) and some number in the answer
  is within ``max(1e-9, 1e-3 * |ref|)``, or equals the reference rounded to the answer's
  number of decimals (``3.14`` matches 3.14159; ``3`` does not). ``50%`` also matches 0.5;
- it is yes/no/true/false and the first such word in the answer is the same word;
- otherwise its normalised text (case-folded, punctuation and articles dropped) occurs in
  the normalised answer as whole words (a plural s/es on the last word is accepted).
"""

from __future__ import annotations

import re
from fractions import Fraction

from cosmo_rl.verifiers.text import contains_phrase, normalize_answer

_NUMBER = re.compile("(?<![\\w.])[-\u2212]?" r"\d[\d,]*(?:\.\d+)?(?:/\d+)?%?")
_YES_NO = ("yes", "no", "true", "false")
REL_TOL = 1e-3


def parse_number(text: str) -> tuple[float, int] | None:
    """(value, decimals) of a number written alone, else None. Percent values stay as written."""
    s = text.strip().replace("\u2212", "-").replace(",", "").rstrip("%")
    if not re.fullmatch(r"-?\d+(?:\.\d+)?(?:/\d+)?", s):
        return None
    if "/" in s:
        num, den = s.split("/")
        if float(den) == 0:
            return None
        return float(Fraction(num) / Fraction(den)), 6
    decimals = len(s.split(".")[1]) if "." in s else 0
    return float(s), decimals


def numbers_in(text: str) -> list[tuple[float, int]]:
    found = []
    for match in _NUMBER.finditer(text):
        parsed = parse_number(match.group(0))
        if parsed is not None:
            found.append(parsed)
    return found


def _close(candidate: tuple[float, int], ref: float) -> bool:
    value, decimals = candidate
    if abs(value - ref) <= max(1e-9, REL_TOL * abs(ref)):
        return True
    return decimals > 0 and round(ref, decimals) == round(value, decimals)


def part_matches(answer: str, part: str) -> bool:
    ref_number = parse_number(part)
    if ref_number is not None:
        targets = [ref_number[0]]
        if part.strip().endswith("%"):
            targets.append(ref_number[0] / 100)
        return any(_close(c, t) for c in numbers_in(answer) for t in targets)
    norm_part = normalize_answer(part)
    norm_answer = normalize_answer(answer)
    if norm_part in _YES_NO:
        first = next((w for w in norm_answer.split() if w in _YES_NO), None)
        return first == norm_part
    return contains_phrase(norm_answer, norm_part)


def match_fraction(answer: str, parts: list[str]) -> float:
    """1.0 all parts, 0.5 some (multi-part only), 0.0 none."""
    if not parts:
        return 0.0
    hits = sum(1 for p in parts if part_matches(answer, p))
    if hits == len(parts):
        return 1.0
    return 0.5 if hits else 0.0
