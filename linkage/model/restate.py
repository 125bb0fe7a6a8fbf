"""A saved version's comparisons as the code states them today, its trained parameters kept.

A comparison gains a level (a year-only date's year agreeing, 2026-12-07) or states a level anew;
retraining the whole model for that would move every other weight with it. A restated version keeps
each level whose condition is unchanged with its trained m and u, takes the code's priors for a new
level, and rescales the free m-probabilities of a changed comparison so that they sum to one with
the fixed ones. Comparisons the code states as saved are left untouched. The new version names its
parent and says so in its notes; it is a candidate until someone accepts it.
"""

from __future__ import annotations

import copy

from linkage.model.comparisons import default_comparisons


def restated(splink: dict, households: bool = True) -> tuple[dict, list[str]]:
    """(the model with the code's comparisons, the names of the comparisons that changed)."""
    code = {c["output_column_name"]: c for c in (x.get_comparison("duckdb").as_dict() for x in default_comparisons(households))}  # type: ignore[union-attr]
    out = copy.deepcopy(splink)
    changed = []
    for i, saved in enumerate(out["comparisons"]):
        now = code.get(saved["output_column_name"])
        if now is None or [lvl["sql_condition"] for lvl in now["comparison_levels"]] == [
            lvl["sql_condition"] for lvl in saved["comparison_levels"]
        ]:
            continue
        out["comparisons"][i] = _merged(saved, now)
        changed.append(saved["output_column_name"])
    return out, changed


def _merged(saved: dict, now: dict) -> dict:
    trained = {lvl["sql_condition"]: lvl for lvl in saved["comparison_levels"]}
    levels = [copy.deepcopy(trained.get(lvl["sql_condition"], lvl)) for lvl in now["comparison_levels"]]
    scored = [lvl for lvl in levels if not lvl.get("is_null_level")]
    fixed = sum(lvl["m_probability"] for lvl in scored if lvl.get("fix_m_probability"))
    free = [lvl for lvl in scored if not lvl.get("fix_m_probability")]
    total = sum(lvl["m_probability"] for lvl in free)
    for lvl in free:
        lvl["m_probability"] *= (1 - fixed) / total
    return {**saved, "comparison_levels": levels, "comparison_description": now.get("comparison_description", "")}
