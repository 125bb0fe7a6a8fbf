"""How often this file's records of one person hold a wholly different value, read from the file.

A model trained on one county's extracts knows how often that county's SSNs, birth dates and first
names are wholly wrong on a person's second record (another household member's number, a default
date, the name of a sibling typed in). Another county's files may do it ten times as often; scored
with the first county's rate, every such record costs its links four bits too many and the person
is split. The rate is read from the file itself, the way a record linker checks a field: among
pairs of records that agree exactly on the *other* identity fields (same first name, surname and
birth date when reading SSNs) and belong to different cases, the share whose value falls to the
comparison's last level ("all other comparisons"). Such anchor pairs are nearly all one person
(twins differ in first name, JR and SR in birth date), so the share estimates how often one person's
value is wholly different.

The same anchor pairs say how often one person's values are partly different (a day of the month
left at the 1st, a birth date within a year, a first name spelled as heard): each level's share is
read too. A rate only ever raises the model's own m-probability of that level (a file cleaner than
the training data keeps the trained weights), the comparison's other levels shrink in proportion,
and rates are used only with at least MIN_ANCHORS anchor pairs. A level whose m and u are both
fixed is a designed likelihood ratio (a year-only date's year agreeing): its share in a file follows
how often the file leaves the day unknown, for one person and two alike, so the file moves neither.
The rates go into the run summary and the service scores with the same adjusted model.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable

import duckdb

from linkage import columns as C

IDENTITY = {"first_name": C.FN, "surname": C.SN, "dob": C.DOB_STR, "ssn": C.SSN_STD}
READ = ("first_name", "dob", "ssn")  # fields a person's records hold wholly different values of
MIN_ANCHORS = 200
MAX_RATE = 0.5  # beyond this a field says nothing; the model's comparison is not the place to say so


def anchor_sql(
    table: str, model: dict, name: str, columns: tuple[str, ...], dialect: Callable[[str], str] = lambda sql: sql
) -> str | None:
    """SQL counting the anchor pairs of comparison `name` and, in order, those at each of its levels
    but the missing one (a pair counts at the first level it meets, as Splink scores it); `dialect`
    rewrites a level's condition for another engine (Spark)."""
    comp = next((c for c in model["comparisons"] if c["output_column_name"] == name), None)
    if comp is None:
        return None
    levels = comp["comparison_levels"]
    null = [dialect(lvl["sql_condition"]) for lvl in levels if lvl.get("is_null_level")]
    agree = [
        dialect(lvl["sql_condition"])
        for lvl in levels
        if not lvl.get("is_null_level") and lvl["sql_condition"].strip().upper() != "ELSE"
    ]
    at_level = "".join(f" WHEN {cond} THEN {i}" for i, cond in enumerate(agree))
    counts = ", ".join(f"sum(CASE WHEN lvl = {i} THEN 1 ELSE 0 END)" for i in range(len(agree) + 1))
    anchors = [IDENTITY[o] for o in IDENTITY if o != name]
    pairs = ", ".join(f"l.{c} AS {c}_l, r.{c} AS {c}_r" for c in columns)
    on = " AND ".join(f"l.{c} = r.{c}" for c in anchors)
    missing = " OR ".join(f"({s})" for s in null) or "false"
    return (
        f"SELECT count(*), {counts} FROM (SELECT CASE{at_level} ELSE {len(agree)} END AS lvl FROM ("
        f"SELECT {pairs} FROM {table} l JOIN {table} r ON {on} AND l.{C.UID} < r.{C.UID} "
        f"WHERE NOT (l.{C.SOURCE_SYSTEM} = r.{C.SOURCE_SYSTEM} AND l.{C.CASE_ID} = r.{C.CASE_ID})) "
        f"WHERE NOT ({missing}))"
    )


def read_rates(con: duckdb.DuckDBPyConnection, table: str, model: dict, columns: tuple[str, ...]) -> dict[str, dict]:
    """{comparison: {"anchors": n, "different": k, "levels": [n per level]}} for the fields of READ."""
    return rates_by(lambda sql: con.execute(sql).fetchall()[0], table, model, columns)


def rates_by(
    run: Callable[[str], tuple],
    table: str,
    model: dict,
    columns: tuple[str, ...],
    dialect: Callable[[str], str] = lambda sql: sql,
) -> dict[str, dict]:
    """The same with `run` executing one SQL query and returning its row (any engine)."""
    out = {}
    for name in READ:
        sql = anchor_sql(table, model, name, columns, dialect)
        if sql is None:
            continue
        n, *at_level = (int(v or 0) for v in run(sql))
        out[name] = {"anchors": n, "different": at_level[-1], "levels": at_level}
    return out


def describe(model: dict, rates: dict[str, dict]) -> str:
    """For a console: the rates that changed the model, e.g. "ssn 6.2% (model 1.5%, 1,888 pairs)";
    a level other than the last is named ("dob within a year 0.8% (model 0.1%, ...)")."""
    before, after = _level_ms(model), _level_ms(adapted(model, rates))
    raised = [
        f"{name}{'' if last else ' ' + label} {after[name, label, last]:.1%} (model {m:.1%}, {rates[name]['anchors']:,} pairs)"
        for (name, label, last), m in before.items()
        if name in rates and after[name, label, last] > m
    ]
    return "; ".join(raised) or "none above the model's"


def _level_ms(model: dict) -> dict[tuple[str, str, bool], float]:
    """(comparison, level label, whether the last level) -> m-probability."""
    return {
        (c["output_column_name"], lvl.get("label_for_charts", ""), lvl["sql_condition"].strip().upper() == "ELSE"): lvl.get(
            "m_probability"
        )
        or 0.0
        for c in model["comparisons"]
        for lvl in c["comparison_levels"]
        if not lvl.get("is_null_level")
    }


def adapted(model: dict, rates: dict[str, dict]) -> dict:
    """The model with each level's rate read from the file raising that level's m-probability (every
    level but the first, exact agreement); the levels not raised shrink in proportion."""
    out = copy.deepcopy(model)
    for comp in out["comparisons"]:
        seen = rates.get(comp["output_column_name"])
        if not seen or seen["anchors"] < MIN_ANCHORS:
            continue
        levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        counts = seen.get("levels") or [None] * (len(levels) - 1) + [seen["different"]]  # a summary of before 2026-12-07
        designed = {i for i, lvl in enumerate(levels) if lvl.get("fix_m_probability") and lvl.get("fix_u_probability")}
        raised = {
            i: min(n / seen["anchors"], MAX_RATE)
            for i, (lvl, n) in enumerate(zip(levels, counts))
            if i > 0
            and i not in designed
            and n is not None
            and lvl.get("m_probability") is not None
            and not math.isclose(lvl["m_probability"], 1.0)
        }
        raised = {i: r for i, r in raised.items() if r > levels[i]["m_probability"]}
        kept = sum(levels[i]["m_probability"] for i in designed)
        before, after = sum(levels[i]["m_probability"] for i in raised), sum(raised.values())
        if not raised or after + kept >= 1.0:
            continue
        scale = (1 - kept - after) / (1 - kept - before)
        for i, lvl in enumerate(levels):
            if i in raised:
                lvl["m_probability"] = raised[i]
            elif i not in designed and lvl.get("m_probability") is not None:
                lvl["m_probability"] *= scale
    return out


def as_run_scored(model, records: int, rates: dict[str, dict] | None) -> dict:
    """A saved model's Splink JSON as a run of `records` records that read `rates` from its file
    scored with it (prior rescaled to the size, disagreement rates raised): what every later reader
    (the service, the workbench, an explanation) must score with to give the run's weights."""
    from linkage.model.files import for_record_count

    return adapted(for_record_count(model.splink, model.meta.trained_records, records), rates or {})
