"""Candidate generation: key rules, pairs in DuckDB, and a blocking report.

Generic over column names: the domain's rule set lives in `linkage`, which imports this package.
"""
from blocking.pairs import BlockingReport, RuleStats, candidate_pairs, rule_pairs_sql
from blocking.rules import KeyRule, block_on, record_keys

__all__ = ["KeyRule", "block_on", "record_keys", "candidate_pairs", "rule_pairs_sql",
           "BlockingReport", "RuleStats"]
