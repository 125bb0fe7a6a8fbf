"""Whether two values agree, and how: one home for every stage that asks.

Clustering's never-merge rules, family evidence, the ambiguity check, the case stage's words and the
model's in-memory twin all read agreement through these functions, so a typo means the same thing
everywhere and each cut-off is named once. A missing value (None) agrees with nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum

import jellyfish

SIMILAR = 0.88  # Jaro-Winkler at or above this: a typo of the name, not another name
TYPO_MIN_LENGTH = 4  # one edit between shorter names makes another name (ANA / AVA, JOE / JOSE)


def jaro_winkler(a: str | None, b: str | None) -> float:
    """-1 when a side is missing (below any cut-off)."""
    return jellyfish.jaro_winkler_similarity(a, b) if a is not None and b is not None else -1.0


def damerau(a: str | None, b: str | None) -> int:
    """Damerau-Levenshtein distance; 99 when a side is missing."""
    return jellyfish.damerau_levenshtein_distance(a, b) if a is not None and b is not None else 99


def levenshtein(a: str | None, b: str | None) -> int:
    return jellyfish.levenshtein_distance(a, b) if a is not None and b is not None else 99


def hamming(a: str | None, b: str | None) -> int:
    """Positions that differ; 99 when a side is missing or the lengths differ."""
    if a is None or b is None or len(a) != len(b):
        return 99
    return sum(x != y for x, y in zip(a, b))


def shares(x: Sequence[str] | None, y: Sequence[str] | None) -> bool:
    """Whether two short token lists have an element in common."""
    return bool(x) and bool(y) and any(v in y for v in x)  # type: ignore[operator, union-attr]


def dob_swapped(a: str | None, b: str | None) -> bool:
    """Day and month swapped (YYYYMMDD)."""
    return a is not None and b is not None and a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]


def dob_related(a: str, b: str) -> bool:
    """Equal, day and month swapped, or one character off (YYYYMMDD)."""
    return a == b or dob_swapped(a, b) or damerau(a, b) <= 1


GENERATION_YEARS = 12  # birth years this far apart, and not a typo of each other: two generations


def generation_apart(a: str, b: str) -> bool:
    """Two birth dates (YYYYMMDD) a generation apart, not a typo of each other."""
    return abs(int(a[:4]) - int(b[:4])) >= GENERATION_YEARS and not dob_related(a, b)


def ssn_related(a: str, b: str) -> bool:
    """Equal, one digit different, or two adjacent digits transposed: a typo, not another person."""
    if a == b:
        return True
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def consecutive_ssns(a: str, b: str) -> bool:
    """Same area and group, serials at most 2 apart: how twins are often numbered."""
    return a != b and a[:5] == b[:5] and abs(int(a[5:]) - int(b[5:])) <= 2


class NameAgreement(IntEnum):
    """How two first names agree, strongest first. Callers choose how much is enough: clustering
    takes SAME and NICKNAME links first, family evidence accepts down to TYPO, the ambiguity check
    reads even ONE_EDIT as fitting (ANA / AVA may be a typo, or a sister)."""

    SAME = 6
    NICKNAME = 5  # the same nickname group (BILL / WILLIAM)
    SHARED_TOKEN = 4  # a word in common (JUAN CARLOS / JUAN)
    INITIAL = 3  # J / JUAN
    TYPO = 2  # Jaro-Winkler at or above SIMILAR
    ONE_EDIT = 1  # one edit apart, however short
    NONE = 0


def first_name_agreement(
    fa: str | None,
    fb: str | None,
    canon_a: Sequence[str] | None,
    canon_b: Sequence[str] | None,
    tokens_a: Sequence[str] | None,
    tokens_b: Sequence[str] | None,
) -> NameAgreement:
    """The strongest way two first names agree (canon: nickname groups; tokens: the name's words)."""
    if not fa or not fb:
        return NameAgreement.NONE
    if fa == fb:
        return NameAgreement.SAME
    if shares(canon_a, canon_b):
        return NameAgreement.NICKNAME
    if shares(tokens_a, tokens_b):
        return NameAgreement.SHARED_TOKEN
    if (len(fa) == 1 or len(fb) == 1) and fa[0] == fb[0]:
        return NameAgreement.INITIAL
    if jaro_winkler(fa, fb) >= SIMILAR:
        return NameAgreement.TYPO
    return NameAgreement.ONE_EDIT if damerau(fa, fb) <= 1 else NameAgreement.NONE


def goes_by_middle(fa: str | None, ma: str | None, fb: str | None, mb: str | None) -> bool:
    """One record's first name is the other's middle name (not an initial): a person who goes by the
    middle name (CARLOS ANDRES in one program, ANDRES in another)."""
    return bool((ma and len(ma) > 1 and ma == fb) or (mb and len(mb) > 1 and mb == fa))


def surnames_similar(sa: Sequence[str] | None, sb: Sequence[str] | None) -> bool:
    """Surname tokens in common, or the whole names (tokens sorted) a typo apart."""
    if not sa or not sb:
        return False
    return shares(sa, sb) or jaro_winkler(" ".join(sorted(sa)), " ".join(sorted(sb))) >= SIMILAR


def tokens_a_typo_apart(xs: Sequence[str] | None, ys: Sequence[str] | None) -> bool:
    """A token of one name one edit from a token of the other, both at least TYPO_MIN_LENGTH long
    (JOXE / JOSE, RRED / REED)."""
    return bool(xs) and bool(ys) and any(min(len(x), len(y)) >= TYPO_MIN_LENGTH and damerau(x, y) <= 1 for x in xs for y in ys)  # type: ignore[union-attr]


def surname_parts_differ(x: str, y: str) -> bool:
    """Two parts of two-part surnames that no typo or cut field explains: more than two edits
    apart, and more than one where the longer is cut to the shorter's length (MARTYN beside
    MARTINEZ is one name cut and mistyped, TORRES beside IBARRA two)."""
    n = min(len(x), len(y))
    return damerau(x, y) > 2 and damerau(x[:n], y[:n]) > 1
