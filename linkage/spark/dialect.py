"""The model's comparison SQL in Spark's dialect.

The levels are written for DuckDB (`linkage/model/comparisons.py`); Spark names three of their
functions differently and has no Hamming distance. The rewrite is textual and checked: a function the
map does not know fails loudly rather than scoring with different SQL.
"""

from __future__ import annotations

import copy
import re

from linkage.errors import ModelError

RENAMES = {"list_has_any": "arrays_overlap", "jaro_winkler_similarity": "jaro_winkler"}
# SSNs are 9 digits on both sides, so Hamming distance 1 is one substitution: equal lengths and
# Levenshtein distance 1.
HAMMING_ONE = re.compile(r"\bhamming\(([^,()]+), ([^,()]+)\) = 1")
# A Hamming test before an edit distance only saves time (see comparisons.DOB_ONE_DIGIT): the edit
# distance condition implies it on these strings, so Spark evaluates that alone.
HAMMING_PREFILTER = re.compile(r"\bhamming\(([^,()]+), ([^,()]+)\) (?:= 2|<= 2) AND (damerau_levenshtein\(\1, \2\))")
KNOWN = {"arrays_overlap", "jaro_winkler", "damerau_levenshtein", "levenshtein", "length", "left", "substr", "abs"}
CALL = re.compile(r"\b([a-z_]+)\(")


def spark_condition(sql: str) -> str:
    sql = HAMMING_PREFILTER.sub(r"\3", sql)
    sql = HAMMING_ONE.sub(r"(length(\1) = length(\2) AND levenshtein(\1, \2) = 1)", sql)
    for old, new in RENAMES.items():
        sql = re.sub(rf"\b{old}\(", f"{new}(", sql)
    unknown = {f for f in CALL.findall(sql.lower()) if f not in KNOWN}
    if unknown:
        raise ModelError(
            f"comparison SQL uses {', '.join(sorted(unknown))}, which the Spark rewrite does not "
            f"know: add it to linkage/spark/dialect.py ({sql})"
        )
    return sql


def spark_model(splink: dict) -> dict:
    """The Splink model with every level's condition in Spark SQL."""
    model = copy.deepcopy(splink)
    model["sql_dialect"] = "spark"
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            level["sql_condition"] = spark_condition(level["sql_condition"])
    return model
