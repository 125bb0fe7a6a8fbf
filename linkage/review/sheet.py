"""The reviewer's sheet: grey-zone pairs side by side out, decisions in.

Out: one row per pair, each field as `<field>_l` / `<field>_r`, SSNs masked to their last four, and
an address withheld when a protected (FVI) person is known there: the file leaves the system. In:
the same file with `decision` filled (match / not a match / unsure); blank rows are skipped. A file
with any unusable row is refused as a whole, with row numbers, so nothing is half imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import polars as pl

from linkage import columns as C
from linkage.errors import InvalidInputError
from linkage.protection import LOCATION_FIELDS, WITHHELD, protected_persons
from linkage.spreadsheet import restore
from linkage.store.review import MATCH, NOT_A_MATCH, UNSURE

SHOWN = (
    C.SOURCE_SYSTEM,
    C.CASE_ID,
    C.ROLE,
    C.FIRST_NAME,
    C.MIDDLE_NAME,
    C.LAST_NAME,
    C.SUFFIX,
    C.DOB,
    C.SEX,
    "ssn_masked",
    C.STREET,
    C.CITY,
    C.STATE,
    C.ZIP,
    C.PERSON_ID,
)
RECORD_COLUMNS = (
    C.RECORD_ID,
    C.SOURCE_SYSTEM,
    C.CASE_ID,
    C.ROLE,
    C.FIRST_NAME,
    C.MIDDLE_NAME,
    C.LAST_NAME,
    C.SUFFIX,
    C.DOB,
    C.SEX,
    C.SSN_STD,
    C.SSN_STATUS,
    C.STREET,
    C.CITY,
    C.STATE,
    C.ZIP,
    C.FVI_FLAG,
    C.PERSON_ID,
)
ANSWER_COLUMNS = ("decision", "reviewer", "note")
SPELLINGS = {
    MATCH: MATCH,
    "same": MATCH,
    "same person": MATCH,
    "yes": MATCH,
    "y": MATCH,
    NOT_A_MATCH: NOT_A_MATCH,
    "not_a_match": NOT_A_MATCH,
    "no match": NOT_A_MATCH,
    "non-match": NOT_A_MATCH,
    "nonmatch": NOT_A_MATCH,
    "different": NOT_A_MATCH,
    "no": NOT_A_MATCH,
    "n": NOT_A_MATCH,
    UNSURE: UNSURE,
    "?": UNSURE,
    "maybe": UNSURE,
    "don't know": UNSURE,
}


def side_by_side(pairs: pl.DataFrame, records: pl.DataFrame, blind: bool = False) -> pl.DataFrame:
    """`pairs` (record_id_l, record_id_r, match_probability, match_weight) with both records' fields.
    blind: without the score, the run's decision and why the pair is asked (an accuracy sample's
    reviewer must judge the records alone, or the estimate measures the model against itself)."""
    protected = pl.Series(sorted(protected_persons(records)), dtype=pl.String)
    shown = records.select(*RECORD_COLUMNS).with_columns(
        pl.when(pl.col(C.SSN_STD).is_not_null())
        .then(pl.lit("***-**-") + pl.col(C.SSN_STD).str.slice(5, 4))
        .otherwise(pl.col(C.SSN_STATUS))
        .alias("ssn_masked"),
        pl.col(C.PERSON_ID).is_in(protected.implode()).fill_null(False).alias("_withheld"),
    )
    shown = shown.with_columns(
        *[
            pl.when(pl.col("_withheld")).then(pl.lit(WITHHELD if c == LOCATION_FIELDS[0] else None)).otherwise(pl.col(c)).alias(c)
            for c in LOCATION_FIELDS
        ]
    )
    out = pairs.with_columns(pl.col("match_probability").round(4), pl.col("match_weight").round(2))
    for side in ("l", "r"):
        out = out.join(
            shown.select(
                pl.col(C.RECORD_ID).alias(f"record_id_{side}"), *[pl.col(c).cast(pl.String).alias(f"{c}_{side}") for c in SHOWN]
            ),
            on=f"record_id_{side}",
            how="left",
            maintain_order="left",
        )
    out = out.with_columns(
        (pl.col(f"{C.PERSON_ID}_l") == pl.col(f"{C.PERSON_ID}_r")).alias("same_person_now"), _why(pairs).alias("why")
    )
    fields = [f"{c}_{s}" for c in SHOWN if c != C.PERSON_ID for s in ("l", "r")]
    if blind:
        return out.select("record_id_l", "record_id_r", *fields, *[pl.lit(None, pl.String).alias(c) for c in ANSWER_COLUMNS])
    return out.select(
        "record_id_l",
        "record_id_r",
        "match_probability",
        "match_weight",
        "same_person_now",
        "why",
        *fields,
        *[pl.lit(None, pl.String).alias(c) for c in ANSWER_COLUMNS],
    )


HELD = "strong score, but the record fits another person of the same case as well"
GREY = "score between the review and link thresholds"


def _why(pairs: pl.DataFrame) -> pl.Expr:
    return pl.when(pl.col("held")).then(pl.lit(HELD)).otherwise(pl.lit(GREY))


@dataclass(frozen=True)
class ParsedSheet:
    decisions: pl.DataFrame  # record_id_l < record_id_r, decision, reviewer, decided_at, note
    blank: int  # rows with no decision yet


def parse_sheet(path: Path, known_ids: set[str], reviewer: str | None = None) -> ParsedSheet:
    """Decisions from a returned sheet; InvalidInputError naming every unusable row (up to 10)."""
    df = _read(path)
    missing = [c for c in ("record_id_l", "record_id_r", "decision") if c not in df.columns]
    if missing:
        raise InvalidInputError(
            f"{path}: missing column(s) {', '.join(missing)}; export a sheet with "
            "`linkage review export` and fill its decision column"
        )
    rows, problems, blank = [], [], 0
    for i, r in enumerate(df.iter_rows(named=True), start=1):
        raw = (r.get("decision") or "").strip()
        if not raw:
            blank += 1
            continue
        problem, row = _decision(r, raw, known_ids, reviewer)
        if problem:
            problems.append(f"row {i}: {problem}")
        else:
            rows.append(row)
    if problems:
        shown = "; ".join(problems[:10]) + (f"; and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise InvalidInputError(f"{path}: nothing imported, {len(problems)} row(s) cannot be used: {shown}")
    schema = pl.Schema(
        {
            "record_id_l": pl.String(),
            "record_id_r": pl.String(),
            "decision": pl.String(),
            "reviewer": pl.String(),
            "decided_at": pl.Datetime("us"),
            "note": pl.String(),
        }
    )
    return ParsedSheet(pl.DataFrame(rows, schema=schema, orient="row"), blank)


def _decision(r: dict, raw: str, known_ids: set[str], reviewer: str | None) -> tuple[str | None, tuple]:
    decision = SPELLINGS.get(raw.lower())
    if decision is None:
        return f"decision {raw!r} is not one of: match, not a match, unsure", ()
    a, b = (r.get("record_id_l") or "").strip(), (r.get("record_id_r") or "").strip()
    if not a or not b or a == b:
        return "needs two different record ids", ()
    unknown = [x for x in (a, b) if x not in known_ids]
    if unknown:
        return f"record id {unknown[0]!r} is not in the store's current run", ()
    who = (r.get("reviewer") or "").strip() or (reviewer or "").strip()
    if not who:
        return "no reviewer: fill the reviewer column or pass --reviewer", ()
    when = _when(r.get("decided_at"))
    if when is None:
        return f"decided_at {r.get('decided_at')!r} is not a date and time (YYYY-MM-DD HH:MM)", ()
    return None, (min(a, b), max(a, b), decision, who, when, (r.get("note") or "").strip() or None)


def _when(value: str | None) -> datetime | None:
    if value is None or not str(value).strip():
        return datetime.now(timezone.utc).replace(tzinfo=None)
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    return parsed.astimezone(timezone.utc).replace(tzinfo=None) if parsed.tzinfo else parsed


def _read(path: Path) -> pl.DataFrame:
    try:
        if path.suffix.lower() == ".parquet":
            return pl.read_parquet(path).cast(pl.String)
        return restore(pl.read_csv(path, infer_schema=False, encoding="utf8-lossy"))
    except Exception as e:  # noqa: BLE001 - any unreadable file is the same problem to the user
        raise InvalidInputError(f"{path}: cannot be read as a review sheet ({e})") from e
