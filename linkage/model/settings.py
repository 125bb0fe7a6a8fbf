"""The Splink settings for program records: dedupe on `uid`, our comparisons, no Splink blocking
(candidate pairs come from `blocking/` and are registered before predicting)."""

from __future__ import annotations

from splink import SettingsCreator

from linkage import columns as C
from linkage.model.comparisons import default_comparisons


def default_settings(prior_match_probability: float = 1e-4, households: bool = True) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name=C.UID,
        comparisons=default_comparisons(households),
        blocking_rules_to_generate_predictions=[],
        probability_two_random_records_match=prior_match_probability,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        max_iterations=20,
    )
