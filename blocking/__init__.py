"""Candidate generation: key rules, pairs in DuckDB, a blocking report, and an in-memory index.

Generic over column names: the domain's rule set lives in `linkage`, which imports this package.
"""

from blocking.index import KeyIndex, key_strings, keys_of
from blocking.pairs import BlockingReport, RuleStats, candidate_pairs, rule_columns, rule_keys_sql, rule_pairs_sql
from blocking.rules import KeyRule, block_on, record_keys, refined

__all__ = [
    "KeyRule",
    "block_on",
    "record_keys",
    "refined",
    "candidate_pairs",
    "rule_columns",
    "rule_keys_sql",
    "rule_pairs_sql",
    "BlockingReport",
    "RuleStats",
    "KeyIndex",
    "key_strings",
    "keys_of",
]
