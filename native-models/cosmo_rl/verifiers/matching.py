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

A mention does not count when it is negated: a negation word (not, never, no, isn't,
wasn't, didn't, ...) among the three words before it in its clause ("Not Paris", "it isn't
Paris", "did not fall in 1989"), or "is wrong/incorrect" right after it. A part matches
when at least one mention of it is not negated.

A candidate list scores 0 whatever it contains: an enumeration of short items (at most
four words each) joined by "or" / "/" (two or more items) or by commas / "and" (three or
more), or a bulleted list of short lines, in which some item matches a reference part
and another item matches none ("London, Berlin, Paris", "Ottawa or Toronto", "41, 42 or
43"). "Paris, France" (two items, no "or") and "Rome and Madrid" for a two-part reference
are not candidate lists.
"""

from __future__ import annotations

import re
from fractions import Fraction

from cosmo_rl.verifiers.phrases import word_set
from cosmo_rl.verifiers.text import normalize_answer

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


_CLAUSE = re.compile(r"[;!?\n]|\.(?!\d)|,\s+|\s+but\s+")
_NEGATORS = word_set(
    "not never no nor isn wasn aren weren didn doesn don hasn haven hadn won wouldn couldn shouldn cannot neither"
)
_NEGATED_AFTER = re.compile(r"^\s*(?:is|was|would be)\s+(?:wrong|incorrect|not (?:right|correct|it|the answer))\b")
_LIST_SEPARATORS = re.compile(r",\s+(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+|(?<=[^\W\d_]{2})\s*/\s*(?=[^\W\d_]{2})")
_BULLET = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+(.+)$", re.M)
_STATEMENT = re.compile(r"\b(?:is|are|was|were|has|have|had|it's|that's|i)\b", re.I)
SHORT_ITEM_WORDS = 4


def _mention_matches(clause: str, part: str) -> bool:
    """``part`` is mentioned in this clause (number or text) without being negated."""
    ref_number = parse_number(part)
    if ref_number is not None:
        targets = [ref_number[0]] + ([ref_number[0] / 100] if part.strip().endswith("%") else [])
        for match in _NUMBER.finditer(clause):
            parsed = parse_number(match.group(0))
            close = parsed is not None and any(_close(parsed, t) for t in targets)
            if close and not _negated(clause[: match.start()], clause[match.end() :]):
                return True
        return False
    norm_clause, needle = normalize_answer(clause), normalize_answer(part)
    if not needle:
        return False
    pattern = r"(?<!\w)" + re.escape(needle) + r"(?:e?s)?(?!\w)"
    return any(
        not _negated(norm_clause[: m.start()], norm_clause[m.end() :]) for m in re.finditer(pattern, norm_clause)
    )


def _negated(before: str, after: str) -> bool:
    words = re.findall(r"[^\W\d_]+", before.lower().replace("n't", "n t"))
    if any(w in _NEGATORS for w in words[-3:]):
        return True
    return _NEGATED_AFTER.match(normalize_answer(after)) is not None


def _clauses(answer: str) -> list[str]:
    return [c for c in _CLAUSE.split(answer) if c.strip()]


def part_matches(answer: str, part: str) -> bool:
    norm_part = normalize_answer(part)
    if parse_number(part) is None and norm_part in _YES_NO:
        first = next((w for w in normalize_answer(answer).split() if w in _YES_NO), None)
        return first == norm_part
    return any(_mention_matches(clause, part) for clause in _clauses(answer))


def _enumerations(answer: str) -> list[tuple[list[str], bool]]:
    """(short items, joined by or-like separators) for each enumeration in the answer."""
    found = []
    bullets = [b.strip() for b in _BULLET.findall(answer)]
    if len(bullets) >= 2:
        found.append((bullets, True))
    for sentence in re.split(r"[;!?\n]|\.(?!\d)", answer):
        pieces = [p.strip() for p in _LIST_SEPARATORS.split(sentence) if p and p.strip()]
        # Candidates are short noun phrases; a piece with a verb ("is the capital") is a statement.
        short = [p for p in pieces if len(p.split()) <= SHORT_ITEM_WORDS and not _STATEMENT.search(p)]
        if len(short) >= 2:
            or_like = (
                re.search(r"\s(?:or|either)\s|(?<=[^\W\d_]{2})\s*/\s*(?=[^\W\d_]{2})", f" {sentence} ") is not None
            )
            found.append((short, or_like))
    return found


def is_candidate_list(answer: str, parts: list[str]) -> bool:
    """The answer lists candidates: some short item matches a part, another matches none."""
    for items, or_like in _enumerations(answer):
        if len(items) < (2 if or_like else 3):
            continue
        matched = [any(_mention_matches(item, p) for p in parts) for item in items]
        if any(matched) and not all(matched):
            return True
    return False


def match_fraction(answer: str, parts: list[str]) -> float:
    """1.0 all parts, 0.5 some (multi-part only), 0.0 none; a candidate list is 0.0."""
    if not parts or is_candidate_list(answer, parts):
        return 0.0
    hits = sum(1 for p in parts if part_matches(answer, p))
    if hits == len(parts):
        return 1.0
    return 0.5 if hits else 0.0
