"""Unsupervised training: prior from near-certain rules, u by random sampling, m by EM.

EM runs on three blockings so each comparison is trained where it is not the blocking key: same date
of birth (names, SSN, address), same SSN (names, date of birth), same full name (date of birth, SSN).
Levels that random sampling cannot see keep their domain priors (see comparisons.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from splink import DuckDBAPI, Linker
from splink.internals.blocking_rule_creator import BlockingRuleCreator

from linkage import columns as C
from linkage.model.settings import default_settings

DETERMINISTIC_RULES: list[str | BlockingRuleCreator] = [
    f"l.{C.SSN_STD} = r.{C.SSN_STD} AND l.{C.DOB_STR} = r.{C.DOB_STR}",
    f"l.{C.FN} = r.{C.FN} AND l.{C.SN} = r.{C.SN} AND l.{C.DOB_STR} = r.{C.DOB_STR}",
]
EM_BLOCKINGS = [
    f"l.{C.DOB_STR} = r.{C.DOB_STR}",
    f"l.{C.SSN_STD} = r.{C.SSN_STD}",
    f"l.{C.FN} = r.{C.FN} AND l.{C.SN} = r.{C.SN}",
]


@dataclass(frozen=True)
class TrainingConfig:
    seed: int = 42
    u_max_pairs: float = 2e6  # at 1M records 2e6 gave the same model as 5e6 in half the time
    em_max_pairs: float = 1e6
    deterministic_recall: float = 0.7
    households: bool = True  # program data: people of one family share addresses (see comparisons)


def train(
    db_api: DuckDBAPI, records_table: str, config: TrainingConfig = TrainingConfig(), match_labels_table: str | None = None
) -> dict:
    """Train on a table of standardized records; returns the Splink model as a dict.

    match_labels_table: pairs known to match (uid_l, uid_r); after EM, m-probabilities are estimated
    from them instead. Reviewed pairs are the hard ones: m from them alone leans towards disagreement."""
    linker = Linker(db_api.register(records_table), default_settings(households=config.households), log_level=logging.ERROR)
    t = linker.training
    t.estimate_probability_two_random_records_match(DETERMINISTIC_RULES, recall=config.deterministic_recall)
    t.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    for rule in EM_BLOCKINGS:
        t.estimate_parameters_using_expectation_maximisation(rule, max_pairs=config.em_max_pairs)
    if match_labels_table:
        t.estimate_m_from_pairwise_labels(match_labels_table)
    return neutral_where_unseen(floor_m(linker.misc.save_model_to_json()))


M_FLOOR = 1e-3


def neutral_where_unseen(model: dict) -> dict:
    """A level the training file never showed (a person list with no suffix or sex column: random
    sampling finds no pair at it, so no u) weighs nothing, rather than Splink's placeholder weights
    (+10 for the first level, -5 for the last) that a later file holding the field would meet."""
    out = {**model, "comparisons": []}
    for comparison in model["comparisons"]:
        levels = [dict(level) for level in comparison["comparison_levels"]]
        for lv in levels:
            m, u = lv.get("m_probability"), lv.get("u_probability")
            if not lv.get("is_null_level") and not (m and u):
                lv["m_probability"] = lv["u_probability"] = m or u or M_FLOOR
        out["comparisons"].append({**comparison, "comparison_levels": levels})
    return out


def floor_m(model: dict, floor: float = M_FLOOR) -> dict:
    """No level's m-probability below `floor` (renormalized per comparison).

    EM gives m = 0 to a level the training data never shows among its matches (the generator never
    mistypes a street, so "street typo, same zip" came out at 2e-25, a -73 bit veto): one typo in
    real data would then keep a person's records apart whatever else agrees. A floor says no level
    holds fewer than one match in a thousand, which leaves every level EM could measure as it was."""
    out = {**model, "comparisons": []}
    for comparison in model["comparisons"]:
        levels = [dict(level) for level in comparison["comparison_levels"]]
        scored = [lv for lv in levels if not lv.get("is_null_level") and lv.get("m_probability") is not None]
        free = [lv for lv in scored if not lv.get("fix_m_probability")]  # a fixed m is a domain decision
        if any(lv["m_probability"] < floor for lv in free):
            room = 1.0 - sum(lv["m_probability"] for lv in scored if lv.get("fix_m_probability"))
            for lv in free:
                lv["m_probability"] = max(lv["m_probability"], floor)
            total = sum(lv["m_probability"] for lv in free)
            for lv in free:
                lv["m_probability"] *= room / total
        out["comparisons"].append({**comparison, "comparison_levels": levels})
    return out
