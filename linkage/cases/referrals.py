"""Referral check: does the family of an IV-A or IV-E referral already have an open IV-D case?

The schema's definition: an open IV-D case with the same dependent child(ren) and the same CP or the
same NCP. The evidence is the family, not one person: every child found again in the IV-D case adds
to the child side, and the CP and the father side confirm that it is this family's case and not a
mother's case with another father.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from linkage import columns as C
from linkage.cases.case_links import CaseConfig, link_cases
from linkage.cases.context import FAMILY_CONTEXT
from linkage.cases.evidence import agreement
from linkage.cases.links import SAME_PERSON
from linkage.cases.matching import CASE_KEYS, case_composition
from linkage.cases.members import CHILD, CP, case_members, ivd_members, referral_members

EXISTING, NEW, REVIEW = "existing_case", "new_case", "review"
EVIDENCE_COLUMNS = (C.RECORD_ID, C.ROLE, "name", C.DOB_DATE, C.SSN_STD, C.DOB_STR, C.FN, C.FN_CANON, C.FN_TOKENS, C.SN_TOKENS)
DECISION_COLUMNS = (
    "referral_id",
    "source_system",
    "decision",
    "ivd_case_id",
    "score",
    "reasons",
    "other_ivd_case_ids",
    "closed_ivd_case_id",
    "hold_until",
)


def check_referrals(records: pl.DataFrame, pairs: pl.DataFrame, config: CaseConfig = CaseConfig()) -> pl.DataFrame:
    """One decision per IV-A / IV-E case in `records` (linked records with person_id)."""
    members = case_members(records)
    ref, ivd = referral_members(members), ivd_members(members)
    linked = link_cases(ref, ivd, records, pairs, config)
    referrals = case_composition(ref).select(CASE_KEYS).sort(CASE_KEYS)
    decided = referrals.join(_choose(linked.candidates, config), on=CASE_KEYS, how="left").join(
        _best_closed(linked.candidates, config), on=CASE_KEYS, how="left"
    )
    return _held(_with_reasons(decided, linked.links, members, config), records, config)


def _held(decisions: pl.DataFrame, records: pl.DataFrame, config: CaseConfig) -> pl.DataFrame:
    """A foster-care referral whose placement is not yet `hold_days` old waits: `hold_until` says until
    when, and the reasons say why. The decision itself stands, for the day it is sent."""
    day = config.as_of or date.today()
    start = (pl.col(C.PLACEMENT_START) if C.PLACEMENT_START in records.columns else pl.lit(None, pl.String)).str.to_date(
        "%Y-%m-%d", strict=False
    )
    placed = (
        records.filter((pl.col(C.SOURCE_SYSTEM) == "IV-E") & (pl.col(C.ROLE) == "CH"))
        .group_by(pl.col(C.CASE_ID).alias("referral_id"))
        .agg(start.max().alias("_start"))
    )
    until = pl.col("_start").dt.offset_by(f"{config.hold_days}d")
    held = (pl.col(C.SOURCE_SYSTEM) == "IV-E") & until.is_not_null() & (until > day)
    out = decisions.join(placed, on="referral_id", how="left").with_columns(
        pl.when(held).then(until.dt.strftime("%Y-%m-%d")).otherwise(pl.lit("")).alias("hold_until")
    )
    return out.with_columns(
        pl.when(held)
        .then(
            pl.format(
                "{}; held until {}: the placement began {} and a foster-care referral waits {} days for the best-interest "
                "decision",
                "reasons",
                "hold_until",
                pl.col("_start").dt.strftime("%Y-%m-%d"),
                pl.lit(config.hold_days),
            )
        )
        .otherwise(pl.col("reasons"))
        .alias("reasons")
    ).select(DECISION_COLUMNS)


def _choose(candidates: pl.DataFrame, config: CaseConfig) -> pl.DataFrame:
    """Best open case per referral, and the other open cases at the existing level."""
    open_ = _ranked(candidates).filter(pl.col("status_b") == "OPEN")
    best = open_.group_by(CASE_KEYS, maintain_order=True).first()
    others = (
        open_.filter(pl.col("score") >= config.existing)
        .join(best.select(*CASE_KEYS, pl.col("case_b").alias("best")), on=CASE_KEYS)
        .filter(pl.col("case_b") != pl.col("best"))
        .group_by(CASE_KEYS)
        .agg(pl.col("case_b").sort().str.join(" ").alias("other_ivd_case_ids"))
    )
    decision = (
        pl.when(pl.col("score") >= config.existing)
        .then(pl.lit(EXISTING))
        .when(pl.col("score") >= config.review)
        .then(pl.lit(REVIEW))
        .otherwise(pl.lit(NEW))
    )
    return best.with_columns(decision.alias("decision")).join(others, on=CASE_KEYS, how="left")


def _best_closed(candidates: pl.DataFrame, config: CaseConfig) -> pl.DataFrame:
    """A closed case that would have matched: reopening it may be the answer, not a new case."""
    return (
        _ranked(candidates)
        .filter((pl.col("status_b") != "OPEN") & (pl.col("score") >= config.review))
        .group_by(CASE_KEYS, maintain_order=True)
        .first()
        .select(*CASE_KEYS, pl.col("case_b").alias("closed_ivd_case_id"))
    )


def _ranked(candidates: pl.DataFrame) -> pl.DataFrame:
    return candidates.sort(["score", "child_n", "adult_p", "case_b"], descending=[True, True, True, False])


def _with_reasons(decided: pl.DataFrame, links: pl.DataFrame, members: pl.DataFrame, config: CaseConfig) -> pl.DataFrame:
    decided = decided.with_columns(pl.col("decision").fill_null(NEW), pl.col("score").fill_null(0.0))
    evidence = _evidence(decided, links, members)
    involved = pl.concat([evidence[C.RECORD_ID], evidence["record_id_b"]]).implode()
    fields = {
        r[C.RECORD_ID]: r
        for r in members.filter(pl.col(C.RECORD_ID).is_in(involved)).select(*EVIDENCE_COLUMNS).iter_rows(named=True)
    }
    by_referral: dict[tuple[str, str], list[str]] = {}
    for e in evidence.iter_rows(named=True):
        key = (e[C.SOURCE_SYSTEM], e[C.CASE_ID])
        by_referral.setdefault(key, []).append(
            _describe(fields[e[C.RECORD_ID]], fields[e["record_id_b"]], e["case_b"], e["strength"], config.ssn_in_reasons)
        )
    reasons = []
    for row in decided.iter_rows(named=True):
        reasons.append(_reason(row, by_referral.get((row[C.SOURCE_SYSTEM], row[C.CASE_ID]), []), config))
    out = decided.with_columns(pl.Series("reasons", reasons, dtype=pl.String))
    show_case = pl.col("decision") != NEW
    return out.select(
        pl.col(C.CASE_ID).alias("referral_id"),
        C.SOURCE_SYSTEM,
        "decision",
        pl.when(show_case).then(pl.col("case_b")).otherwise(None).alias("ivd_case_id"),
        pl.when(show_case).then(pl.col("score")).otherwise(1 - pl.col("score")).round(4).alias("score"),
        "reasons",
        "other_ivd_case_ids",
        "closed_ivd_case_id",
    )


def _evidence(decided: pl.DataFrame, links: pl.DataFrame, members: pl.DataFrame) -> pl.DataFrame:
    """The best link of each referral member into the case each referral was compared with."""
    target = decided.filter(pl.col("case_b").is_not_null()).select(*CASE_KEYS, "case_b")
    ivd_case = members.select(
        pl.col(C.RECORD_ID).alias("record_id_b"), pl.col(C.CASE_ID).alias("case_b"), pl.col(C.SOURCE_SYSTEM).alias("source_b")
    ).filter(pl.col("source_b") == "IV-D")
    ref_case = members.select(C.RECORD_ID, *CASE_KEYS, "side")
    return (
        links.join(ref_case, on=C.RECORD_ID)
        .join(ivd_case, on="record_id_b")
        .join(target, on=[*CASE_KEYS, "case_b"])
        .sort(["strength", "record_id_b"], descending=[True, False])
        .group_by(C.RECORD_ID, maintain_order=True)
        .first()
        .with_columns(pl.col("side").replace_strict({CHILD: 0, CP: 1}, default=2).alias("_order"))
        .sort(*CASE_KEYS, "_order", C.RECORD_ID)
    )


def _describe(ref: dict, ivd: dict, case_b: str, strength: float, with_ssn: bool = True) -> str:
    who = {"CH": "child", "CP": "CP"}.get(ref[C.ROLE], ref[C.ROLE])
    born = f" {ref[C.DOB_DATE].isoformat()}" if ref.get(C.DOB_DATE) else ""
    if strength >= SAME_PERSON:
        how = agreement(ref, ivd, with_ssn)
    elif strength == FAMILY_CONTEXT:
        how = f"{agreement(ref, ivd, with_ssn)}, in this family's context"
    else:
        how = f"possibly, match probability {strength:.2f}"
    return f"{who} {ref['name']}{born} is {ivd[C.ROLE]} in IV-D case {case_b} ({how})"


def _reason(row: dict, evidence: list[str], config: CaseConfig) -> str:
    decision, case = row["decision"], row.get("case_b")
    parts: list[str] = []
    if decision == NEW:
        parts.append("no open IV-D case has these children with this CP or NCP")
        if case and row.get("score", 0) > 0:
            parts.append(f"nearest open case {case}: " + "; ".join(evidence))
        elif case:
            parts.append(
                f"open case {case} shares only a parent: " + "; ".join(evidence) + " (a different family of that parent)"
            )
    else:
        parts.extend(evidence)
        if decision == REVIEW:
            parts.append(_doubt(row))
    if row.get("other_ivd_case_ids"):
        parts.append(f"this family also has open IV-D case(s) {row['other_ivd_case_ids']}")
    if row.get("closed_ivd_case_id"):
        parts.append(f"closed IV-D case {row['closed_ivd_case_id']} matches this family (reopen it rather than open a new one?)")
    return "; ".join(parts)


def _doubt(row: dict) -> str:
    if row.get("n_children") == 0:
        return "to review: the referral lists no children"
    if row.get("adult_p", 0) < 0.5 and (row.get("n_cp", 0) + row.get("n_father", 0)) > 0:
        return "to review: the children match but neither the CP nor the NCP does"
    return f"to review: family match score {row['score']:.2f}"
