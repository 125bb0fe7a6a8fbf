"""Cases linked to cases: the record links between two sets of case members (persons, review-zone
pairs, then family context), and a family score for every pair of cases they tie."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from linkage import columns as C
from linkage.cases.context import context_links
from linkage.cases.links import side_links
from linkage.cases.matching import CASE_KEYS, case_composition, case_matches


@dataclass(frozen=True)
class CaseConfig:
    """existing: family score at which two cases are the same family (`existing_case` for a referral);
    review: at which a person should look. link_threshold is the person
    run's: a pair above it that persons kept apart was refused by a never-merge rule.
    unconfirmed_adult: the most a case can score when its children match but neither named adult
    does (the CP may be a new caretaker, or a parent the linkage missed: a person decides).
    family_context: compare the members of two cases tied by one side again, in the family's context.
    ssn_in_reasons: whether the reasons may say that SSNs agree (not for a reader who may not see SSNs).
    hold_days: a foster-care referral waits until its placement is this many days old (a best-interest
    decision comes first); as_of: the day that is counted on (default: today)."""

    existing: float = 0.9
    review: float = 0.5
    link_threshold: float = 0.9
    unconfirmed_adult: float = 0.6
    no_children: float = 0.6
    family_context: bool = True
    ssn_in_reasons: bool = True
    hold_days: int = 30
    as_of: date | None = None


@dataclass(frozen=True)
class CaseLinks:
    links: pl.DataFrame  # record_id (of a), record_id_b (of b), strength
    candidates: pl.DataFrame  # per (case of a, case_b): child_p, cp_p, father_p, adult_p, score, ...


def link_cases(a: pl.DataFrame, b: pl.DataFrame, records: pl.DataFrame, pairs: pl.DataFrame, config: CaseConfig) -> CaseLinks:
    """Link the members of `a`'s cases to those of `b`'s (IV-D) cases and score every case pair."""
    links = side_links(a, b, pairs, config.link_threshold)
    composition = case_composition(a)
    candidates = score_candidates(_matches(a, b, links), composition, b, config)
    if config.family_context:
        tied = candidates.filter(pl.max_horizontal("child_p", "adult_p") >= config.existing).select(*CASE_KEYS, "case_b")
        links = pl.concat([links, context_links(tied, a, b, links, records, config.existing)])
        candidates = score_candidates(_matches(a, b, links), composition, b, config)
    return CaseLinks(links, candidates)


def _matches(a: pl.DataFrame, b: pl.DataFrame, links: pl.DataFrame) -> pl.DataFrame:
    same_case = (pl.col(C.SOURCE_SYSTEM) == pl.col("source_b")) & (pl.col(C.CASE_ID) == pl.col("case_b"))
    return case_matches(a, b, links).filter(~same_case)


def score_candidates(matches: pl.DataFrame, composition: pl.DataFrame, b: pl.DataFrame, config: CaseConfig) -> pl.DataFrame:
    """Family score of each (case of a, case of b): the children side times the adult side; a case of
    adults only scores at most `no_children`, children without either named adult `unconfirmed_adult`."""
    status = b.group_by(pl.col(C.CASE_ID).alias("case_b")).agg(pl.col(C.CASE_STATUS).first().alias("status_b"))
    m = matches.join(composition, on=CASE_KEYS).join(status, on="case_b")
    adult = 1 - (1 - pl.col("cp_p")) * (1 - pl.col("father_p"))
    named = (pl.col("n_cp") + pl.col("n_father")) > 0
    score = (
        pl.when(pl.col("n_children") == 0)
        .then(pl.min_horizontal(pl.col("cp_p") * pl.col("father_p"), pl.lit(config.no_children)))
        .when(named)
        .then(pl.col("child_p") * pl.max_horizontal(adult, pl.lit(config.unconfirmed_adult)))
        .otherwise(pl.col("child_p"))
    )
    adult_only = (pl.col("child_n") == 0) & (pl.col("n_children") > 0)
    return m.with_columns(pl.when(adult_only).then(0.0).otherwise(score).alias("score"), adult.alias("adult_p"))
