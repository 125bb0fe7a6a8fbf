"""One person typed twice into one case.

Two records of one case are two people: the blocking never pairs them and clustering never joins
them. But a worker sometimes enters a person again (a child added twice to a TANF unit), and the two
entries would stay two people for ever. They are found here instead, from the data: the same case
and role group, the same first name (or the two names turned round), surnames sharing a token (or,
on one birth date, another surname: entered again under the mother's), and the same birth date or
SSN, with no conflict between them (suffixes, SSNs); or a first name one typo apart with the same
birth date and the same SSN as typed, one spelling rare in the file beside the other (2026-12-07).
Since 2026-12-07 (evening) also: one birth date under a nickname, and for a case's parents under an
initial, a typo or the middle name gone by (a case's parents are not twins); one first name and one
SSN under another surname; a child who goes by the middle name with the same SSN as typed; and a
parent entered twice under two SSNs with one first name, surname and birth date (the only rule
passed over, and only for parents: two children of one name and birthday may be twins whose second
names were cut). Twins have two first names and are not touched; a father and his son of one name, or a mother and
her daughter, are in different role groups. One twin's name typed as the other's looks exactly like
a second entry within the case, so a pair is left alone when a record of a case that could be this
family's (a parent of it could be one of this case's, or it has no parent on record) holds their
birth date and surname under another first name (a twin, maybe). A girl of a common surname born
the same day to other parents is no twin, nor is a spelling one letter from the child's that the
file almost never uses beside it (GLORYA beside GLORIA: the child's name typed wrong).

Absent parents of one case under one name with only a name on one record were tried as one man
too (2026-12-07): the gain came with one wrong merge in ten (two men of one common name), and was
not kept. Since 2026-12-08 they are one man where the file holds that name rarely among its
parents (`absent_parent_named_twice`)."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from linkage import columns as C
from linkage.agreement import (
    TYPO_MIN_LENGTH,
    NameAgreement,
    consecutive_ssns,
    damerau,
    dob_related,
    first_name_agreement,
    shares,
)
from linkage.persons.constraints import (
    DIFFERENT_SSNS,
    RecordFacts,
    beyond_ssns,
    conflict,
    first_names_distinct,
    may_share_a_parent,
    swapped,
)
from linkage.persons.family import goes_by_middle_name


def entered_twice(records: pl.DataFrame, facts: RecordFacts) -> list[tuple[int, int]]:
    """(uid, uid) pairs of one case that are one person typed twice."""
    # the SSNs the rules read: a number shared in the household (the case head's on a child) is no one's
    ssns = pl.Series(facts.ssn, dtype=pl.String).gather(records[C.UID])
    people = records.select(
        C.UID, pl.concat_str([C.SOURCE_SYSTEM, C.CASE_ID], separator="|").alias("case"), C.ROLE_GROUP, C.DOB_STR, C.SN_TOKENS
    ).with_columns(ssns.alias(C.SSN_STD))
    pairs = (
        pl.concat(
            [
                people.filter(pl.col(key).is_not_null())
                .join(people, on=["case", C.ROLE_GROUP, key], suffix="_b")
                .select(C.UID, f"{C.UID}_b")
                for key in (C.DOB_STR, C.SSN_STD)
            ]
        )
        .filter(pl.col(C.UID) < pl.col(f"{C.UID}_b"))
        .unique()
        .sort(C.UID, f"{C.UID}_b")
    )
    checker = within_one_case(facts)
    surnames = _case_surnames(people, people.join(pairs.select(C.UID), on=C.UID, how="semi")["case"])
    in_pairs = pl.concat([pairs[C.UID], pairs[f"{C.UID}_b"]]).unique().implode()
    typed = dict(records.filter(pl.col(C.UID).is_in(in_pairs)).select(C.UID, C.SSN_STD).iter_rows())
    spellings = dict(records[C.FN].drop_nulls().value_counts().iter_rows())
    found = [
        (a, b)
        for a, b in pairs.iter_rows()
        if (_one_name(facts, a, b, surnames) or _one_number(facts, a, b, typed, spellings)) and _nothing_against(checker, a, b)
    ]
    born = _born_on(records, {facts.dob[a] for a, _ in found if facts.dob[a]})
    kept = [
        (a, b)
        for a, b in found
        if _one_own_number(facts, a, b) or not _maybe_a_twin(facts, a, b, born.get(facts.dob[a], []), spellings)
    ]
    named = [(a, b) for a, b in absent_parent_named_twice(records, facts) if _nothing_against(checker, a, b)]
    return sorted(set(kept) | set(named))


RARE_NAME = 3000  # a full name at most once in this many parent records: two fathers rarely share it


def absent_parent_named_twice(records: pl.DataFrame, facts: RecordFacts) -> list[tuple[int, int]]:
    """Absent parents of one case under one first name and surname, one record holding nothing
    but the name (no birth date, no SSN), where that name is rare among the file's parents: the
    man entered twice (JEFFREY JORDAN as absent parent of a TANF case, once with his date and
    number, once with his name alone). A case may list two fathers of one mother's children, and
    two men of a common name (JOSE GARCIA, ROBERT SMITH) do father children of one mother now and
    then; of a name at most once in RARE_NAME parent records, two such men are far rarer than a
    worker typing one twice (16 generated files, 2026-12-08: every pair of two men was under a name
    held at least once in 2,200 parent records, about a hundred pairs of one man under rarer ones).
    The two entries count themselves: in a file of fewer than 2 x RARE_NAME parent records no name
    entered twice is rare, and nothing is joined."""
    adults = records.filter(pl.col(C.ROLE_GROUP) == "parent").select(
        C.UID, pl.concat_str([C.SOURCE_SYSTEM, C.CASE_ID], separator="|").alias("case"), C.ROLE, C.FN, C.SN_TOKENS
    )
    rare = (
        adults.explode(C.SN_TOKENS)
        .drop_nulls([C.FN, C.SN_TOKENS])
        .group_by(C.FN, C.SN_TOKENS)
        .len()
        .filter(pl.col("len") * RARE_NAME <= adults.height)
        .select(C.FN, pl.col(C.SN_TOKENS).alias("_rare"))
    )
    thin = pl.Series([facts.dob[u] is None and facts.ssn[u] is None for u in adults[C.UID].to_list()], dtype=pl.Boolean)
    absent = (
        adults.with_columns(thin.alias("_thin"))
        .filter(pl.col(C.ROLE).is_in(["NCP", "PF"]) & (pl.col(C.FN).str.len_chars() >= 2))
        .join(rare, on=C.FN, how="semi")
    )
    pairs = (
        absent.join(absent, on=["case", C.FN], suffix="_b")
        .filter((pl.col(C.UID) < pl.col(f"{C.UID}_b")) & (pl.col("_thin") | pl.col("_thin_b")))
        .with_columns(pl.col(C.SN_TOKENS).list.set_intersection(pl.col(f"{C.SN_TOKENS}_b")).alias("_rare"))
        .explode("_rare")
        .join(rare, on=[C.FN, "_rare"], how="semi")
        .select(C.UID, f"{C.UID}_b")
        .unique()
    )
    return list(pairs.iter_rows())


def _one_own_number(f: RecordFacts, a: int, b: int) -> bool:
    """Both records carry one SSN that no one else in the case or the file holds: a twin typed under
    the other's name would carry their own number, so no possible twin elsewhere holds these apart."""
    return bool(f.ssn[a]) and f.ssn[a] == f.ssn[b]


def _one_name(f: RecordFacts, a: int, b: int, case_surnames: dict[str, set[str]]) -> bool:
    """The same first name (not an initial) under surnames that share a token, or the two names
    turned round. On one birth date the surname may differ too (a child entered again under its
    mother's or a step-parent's name): not where that first name is a surname of the case, which is
    a name turned round on both records (twins MIA MARTIN and MILA MARTIN typed as MARTIN MIA and
    MARTIN MILA), nor where the sexes differ (twins ADRIAN and ADRIANA both typed ADRINA)."""
    if swapped(f, a, b):
        return True
    fa = f.first[a]
    if not fa or len(fa) < 2 or fa != f.first[b]:
        return _one_birthday_one_name(f, a, b)
    if shares(f.surname_tokens[a], f.surname_tokens[b]) or _one_own_number(f, a, b):
        return True
    one_day = bool(f.dob[a]) and f.dob[a] == f.dob[b]
    return one_day and not _other_sex(f, a, b) and fa not in case_surnames.get(f.case_key[a], set())


def _other_sex(f: RecordFacts, a: int, b: int) -> bool:
    return bool(f.sex[a] and f.sex[b] and f.sex[a] != f.sex[b])


def _nothing_against(f: RecordFacts, a: int, b: int) -> bool:
    """No never-merge rule but "two people of one case" holds a and b apart; or only two SSNs do, on
    two parent records of the case under one first name, surname and birth date (ROBERT COOPER born
    1985-08-22 entered twice as the case's absent parent, one number typed wrong: the case's two
    parents are not twins, and two men of one name and birthday alleged in one case are one man).
    Never two records whose SSNs are the next number of each other: twins. `f`: the facts read
    without the "two people of one case" rule (`within_one_case`)."""
    sa, sb = f.ssn[a], f.ssn[b]
    if sa and sb and consecutive_ssns(sa, sb):
        return False  # the next number: how twins are numbered (MIA and MIA MONICA RAMIREZ of one case)
    why = conflict(f, a, b)
    if why is None:
        return True
    return (
        why == DIFFERENT_SSNS
        and f.role_group[a] == "parent"
        and bool(f.first[a])
        and f.first[a] == f.first[b]
        and bool(f.dob[a])
        and f.dob[a] == f.dob[b]
        and shares(f.surname_tokens[a], f.surname_tokens[b])
        and beyond_ssns(f, a, b) is None
    )


def _one_birthday_one_name(f: RecordFacts, a: int, b: int) -> bool:
    """One birth date, surnames sharing a token, and first names one person's: a nickname (BILL /
    WILLIAM), and for a case's parents also an initial, a typo or the middle name gone by (G /
    GUADALUPE, JAMEZ / JAMES, JOHN RAYMOND / RAYMOND), since a case's two parents are not twins. Two
    children born one day may be twins, and twins are often named a letter apart, share an initial or
    carry each other's name as a middle name (JAYDEN / JAYLEN, JOSUE JOSE / JOSE), so for children
    those stay two unless one number says otherwise (`_one_number`)."""
    if not f.dob[a] or f.dob[a] != f.dob[b] or not shares(f.surname_tokens[a], f.surname_tokens[b]):
        return False
    fa, fb = f.first[a], f.first[b]
    if not fa or not fb or _other_sex(f, a, b):
        return False
    if shares(f.first_canon[a], f.first_canon[b]):
        return True
    return f.role_group[a] == "parent" and not first_names_distinct(f, a, b)


TYPO_RARITY = 20  # a typed-wrong spelling: at most one in this many of the name it is a typo of


def _one_number(f: RecordFacts, a: int, b: int, typed: dict[int, str | None], spellings: dict[str, int]) -> bool:
    """The same SSN as typed and the same birth date under a first name one typo apart, one of the
    spellings rare in this file beside the other (FRANCIZCO / FRANCISCO JUAREZ entered twice as the
    case's absent parent), or the middle name gone by (JOHN RAYMOND / RAYMOND FISHER): the number is
    read here even where the two names made it look shared in the case. Twins named a letter apart
    (JAYDEN / JAYLEN, MARIA / MARIO) carry two names the file uses alike, so one twin's number typed
    on the other's record does not make them one."""
    sa = typed.get(a)
    if not sa or sa != typed.get(b) or not f.dob[a] or f.dob[a] != f.dob[b]:
        return False
    fa, fb = f.first[a], f.first[b]
    if not fa or not fb or min(len(fa), len(fb)) < 2 or not shares(f.surname_tokens[a], f.surname_tokens[b]):
        return False
    if goes_by_middle_name(f, a, b):
        return True
    if not _rare_beside(fa, fb, spellings):
        return False
    agree = first_name_agreement(fa, fb, f.first_canon[a], f.first_canon[b], f.first_tokens[a], f.first_tokens[b])
    return agree >= NameAgreement.TYPO


def _rare_beside(fa: str, fb: str, spellings: dict[str, int]) -> bool:
    """One spelling is at most 1 in TYPO_RARITY of the other in the file: the rare one typed wrong."""
    rare, common = sorted((spellings.get(fa, 0), spellings.get(fb, 0)))
    return rare * TYPO_RARITY <= common


def _a_typo_of(f: RecordFacts, a: int, b: int, spellings: dict[str, int]) -> bool:
    """The two first names are one edit apart (a letter changed, added, dropped or two swapped; not
    ANA / ANAHI, another name that begins alike, nor ANA / AVA, too short to tell) and one spelling
    is rare in the file beside the other: a name typed wrong, not a twin's second name."""
    fa, fb = f.first[a], f.first[b]
    if not fa or not fb or min(len(fa), len(fb)) < TYPO_MIN_LENGTH or damerau(fa, fb) != 1:
        return False
    return _rare_beside(fa, fb, spellings)


def _case_surnames(people: pl.DataFrame, cases: pl.Series) -> dict[str, set[str]]:
    """Every surname token of each of `cases`, from (case, surname tokens) of every record."""
    of = (
        people.select("case", C.SN_TOKENS)
        .filter(pl.col("case").is_in(cases.unique().implode()))
        .explode(C.SN_TOKENS)
        .drop_nulls()
        .group_by("case")
        .agg(pl.col(C.SN_TOKENS).unique())
    )
    return {c: set(t) for c, t in of.iter_rows()}


def _born_on(records: pl.DataFrame, dates: set[str]) -> dict[str, list[int]]:
    """uids of the records born on each of `dates`."""
    if not dates:
        return {}
    on = records.filter(pl.col(C.DOB_STR).is_in(sorted(dates))).group_by(C.DOB_STR).agg(pl.col(C.UID))
    return dict(zip(on[C.DOB_STR].to_list(), on[C.UID].to_list()))


def _maybe_a_twin(f: RecordFacts, a: int, b: int, same_day: list[int], spellings: dict[str, int]) -> bool:
    """A record of another case, born that day under the same surname and another first name (by
    spelling at all: twins are often named a letter apart, JAYDEN and JAYLEN), in a case that could
    be this family's: one without parents on record, or with one who could be a parent of a's case.
    (A girl of a common surname born the same day to other parents is no twin, and GLORYA beside
    GLORIA is a typo, not a twin's name: a spelling the file almost never uses beside a common one.)
    A twin who has a record of their own in this case, born that day under that name (JAYDEN beside
    two JAYLENs), is accounted for: the two records are not that twin's."""
    here = [x for x in same_day if f.case_key[x] == f.case_key[a] and x not in (a, b)]
    return any(
        f.case_key[r] != f.case_key[a]
        and shares(f.surname_tokens[r], f.surname_tokens[a])
        and f.first[r]
        and f.first[r] != f.first[a]
        and not shares(f.first_canon[r], f.first_canon[a])
        and not _a_typo_of(f, r, a, spellings)
        and _could_share_a_parent(f, f.case_parents[r] or [], f.case_parents[a] or [])
        and not any(f.first[x] == f.first[r] or shares(f.first_canon[x], f.first_canon[r]) for x in here)
        for r in same_day
    )


def _could_share_a_parent(f: RecordFacts, xs: list[int], ys: list[int]) -> bool:
    """Some parent record of one case could be one of the other's by the strict reading below (a
    namesake counts as a possible twin only then). True when either case has none on record:
    nothing then says the families differ."""
    return not xs or not ys or may_share_a_parent(f, xs, ys, _could_be_one)


def _could_be_one(f: RecordFacts, x: int, y: int) -> bool:
    if f.ssn[x] and f.ssn[x] == f.ssn[y]:
        return True
    dx, dy = f.dob[x], f.dob[y]
    if dx and dy and not dob_related(dx, dy):
        return False
    agree = first_name_agreement(f.first[x], f.first[y], f.first_canon[x], f.first_canon[y], f.first_tokens[x], f.first_tokens[y])
    return agree >= NameAgreement.ONE_EDIT or swapped(f, x, y)


def within_one_case(facts: RecordFacts) -> RecordFacts:
    """The same facts with every never-merge rule but "two people of one case"."""
    return replace(facts, rules=replace(facts.rules, same_case=False))
