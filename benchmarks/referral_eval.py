"""Score referral decisions against the generator's case truth, and today's practice beside them.

Today's practice: a referral is an existing case when the SSN of its custodial party or of one of its
children is exactly the SSN of that role in an open IV-D case (children first).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from linkage import columns as C
from linkage.cases import EXISTING, NEW, REVIEW

KEYS = ["source_system", "case_id"]


@dataclass(frozen=True)
class ReferralScores:
    referrals: int
    with_case: int  # referrals whose family has an open IV-D case (truth)
    predicted_existing: int
    correct_existing: int
    review: int
    review_with_case: int

    @property
    def precision(self) -> float:
        return self.correct_existing / self.predicted_existing if self.predicted_existing else 1.0

    @property
    def recall(self) -> float:
        return self.correct_existing / self.with_case if self.with_case else 1.0

    @property
    def review_share(self) -> float:
        return self.review / self.referrals if self.referrals else 0.0

    def line(self) -> str:
        return (
            f"existing_case precision {self.precision:.4f} recall {self.recall:.4f}; review {self.review:,} "
            f"({self.review_share:.2%}, {self.review_with_case:,} of them with a case); "
            f"{self.referrals:,} referrals, {self.with_case:,} with an open IV-D case"
        )


def score_referrals(decisions: pl.DataFrame, truth: pl.DataFrame) -> ReferralScores:
    d = decisions.select(pl.col("source_system"), pl.col("referral_id").alias("case_id"), "decision", "ivd_case_id")
    j = truth.join(d, on=KEYS, how="left").with_columns(pl.col("decision").fill_null(NEW))
    right = pl.col("ivd_case_ids").list.contains(pl.col("ivd_case_id").fill_null(""))
    has_case = pl.col("ivd_case_ids").list.len() > 0
    return ReferralScores(
        referrals=j.height,
        with_case=j.filter(has_case).height,
        predicted_existing=j.filter(pl.col("decision") == EXISTING).height,
        correct_existing=j.filter((pl.col("decision") == EXISTING) & right).height,
        review=j.filter(pl.col("decision") == REVIEW).height,
        review_with_case=j.filter((pl.col("decision") == REVIEW) & has_case).height,
    )


def ssn_rule(records: pl.DataFrame) -> pl.DataFrame:
    """Today's practice on standardized records (valid SSNs only): decisions in the schema's shape."""
    ssn = pl.col(C.SSN_STD)
    ivd = records.filter(
        (pl.col(C.SOURCE_SYSTEM) == "IV-D")
        & (pl.col(C.CASE_STATUS) == "OPEN")
        & ssn.is_not_null()
        & pl.col(C.ROLE).is_in(["CP", "CH"])
    ).select(ssn, C.ROLE, pl.col(C.CASE_ID).alias("ivd_case_id"))
    ref = records.filter(
        pl.col(C.SOURCE_SYSTEM).is_in(["IV-A", "IV-E"]) & ssn.is_not_null() & pl.col(C.ROLE).is_in(["CP", "CH"])
    ).select(C.SOURCE_SYSTEM, C.CASE_ID, ssn, C.ROLE)
    hits = (
        ref.join(ivd, on=[C.SSN_STD, C.ROLE])
        .sort(pl.col(C.ROLE) != "CH", "ivd_case_id")
        .group_by(C.SOURCE_SYSTEM, C.CASE_ID, maintain_order=True)
        .first()
    )
    all_refs = records.filter(pl.col(C.SOURCE_SYSTEM).is_in(["IV-A", "IV-E"])).select(C.SOURCE_SYSTEM, C.CASE_ID).unique()
    return all_refs.join(
        hits.select(C.SOURCE_SYSTEM, C.CASE_ID, "ivd_case_id"), on=[C.SOURCE_SYSTEM, C.CASE_ID], how="left"
    ).select(
        pl.col(C.CASE_ID).alias("referral_id"),
        C.SOURCE_SYSTEM,
        pl.when(pl.col("ivd_case_id").is_null()).then(pl.lit(NEW)).otherwise(pl.lit(EXISTING)).alias("decision"),
        "ivd_case_id",
    )


@dataclass(frozen=True)
class ReportScores:
    found: int
    true: int
    correct: int

    @property
    def precision(self) -> float:
        return self.correct / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.true if self.true else 1.0

    def line(self) -> str:
        return f"precision {self.precision:.4f} recall {self.recall:.4f} ({self.found:,} reported, {self.true:,} true)"


def score_duplicates(report: pl.DataFrame, truth: pl.DataFrame) -> ReportScores:
    found = report.select(
        pl.min_horizontal("ivd_case_id", "duplicate_case_id").alias("case_a"),
        pl.max_horizontal("ivd_case_id", "duplicate_case_id").alias("case_b"),
    ).unique()
    return ReportScores(found.height, truth.height, found.join(truth, on=["case_a", "case_b"]).height)


def score_misdirected(report: pl.DataFrame, truth: pl.DataFrame, record_truth: pl.DataFrame) -> ReportScores:
    """Scored on (IV-E case, true child, IV-D case): one child's two records count once."""
    keys = record_truth.select("record_id", pl.col("person_key").cast(pl.String).alias("child_key"))
    found = (
        report.join(keys, left_on="child_record_id", right_on="record_id")
        .select("ive_case_id", "child_key", "ivd_case_id")
        .unique()
    )
    return ReportScores(found.height, truth.height, found.join(truth, on=["ive_case_id", "child_key", "ivd_case_id"]).height)


def main(argv: list[str] | None = None) -> None:
    """Print referral and report accuracy for a `linkage referrals --reports` run on generated data."""
    import argparse
    from pathlib import Path

    from benchmarks.case_truth import duplicate_truth, misdirected_truth, referral_truth
    from benchmarks.evaluate import read_table

    ap = argparse.ArgumentParser(description="score referral decisions and case reports against the generator's truth")
    ap.add_argument("--decisions", type=Path, required=True)
    ap.add_argument("--data", type=Path, required=True, help="generator output: cases.csv, truth.csv")
    ap.add_argument("--reports", type=Path, help="the --reports directory of the run")
    a = ap.parse_args(argv)
    cases = pl.read_csv(a.data / "cases.csv", infer_schema=False)
    print("referral decisions against the generator's truth:")
    print("  " + score_referrals(read_table(a.decisions), referral_truth(cases)).line())
    if a.reports:
        suffix = a.decisions.suffix
        dup = read_table(a.reports / f"duplicate_cases{suffix}")
        mis = read_table(a.reports / f"misdirected_support{suffix}")
        print("  duplicate IV-D cases: " + score_duplicates(dup, duplicate_truth(cases)).line())
        print(
            "  misdirected support: " + score_misdirected(mis, misdirected_truth(cases), read_table(a.data / "truth.csv")).line()
        )


if __name__ == "__main__":
    main()
