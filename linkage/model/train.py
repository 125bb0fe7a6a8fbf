"""Unsupervised training: prior from near-certain rules, u by random sampling, m by EM.

EM runs on three blockings so each comparison is trained where it is not the blocking key: same date
of birth (names, SSN, address), same SSN (names, date of birth), same full name (date of birth, SSN).
Levels that random sampling cannot see keep their domain priors (see comparisons.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from splink import DuckDBAPI, Linker

from linkage import columns as C
from linkage.model.settings import default_settings

DETERMINISTIC_RULES = [
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


def train(db_api: DuckDBAPI, records_table: str, config: TrainingConfig = TrainingConfig(),
          match_labels_table: str | None = None) -> dict:
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
    model = linker.misc.save_model_to_json()
    return model
