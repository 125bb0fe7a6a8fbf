"""Score a persons file against the generator's truth: pairwise and B-cubed, and look-alike merges.

python -m benchmarks.evaluate --persons data/demo/persons.csv --truth data/demo/truth.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import polars as pl

from linkage.evaluate import Scores, score_clusters


def read_table(path: Path) -> pl.DataFrame:
    return pl.read_parquet(path) if path.suffix == ".parquet" else pl.read_csv(path, infer_schema=False)


def lookalike_merges(persons: pl.DataFrame, truth: pl.DataFrame, hard_pairs: pl.DataFrame) -> pl.DataFrame:
    """Per kind of look-alike (twins, jr_sr, siblings, mother_daughter): pairs and how many share a
    person_id. Any merge here is the costly error of domain.md."""
    rec = persons.select("record_id", "person_id").join(truth.select("record_id", "person_key"), on="record_id")
    ids = rec.group_by("person_key").agg(pl.col("person_id").unique().alias("ids"))
    hp = hard_pairs.with_columns(pl.col("person_key_a").cast(pl.String), pl.col("person_key_b").cast(pl.String))
    joined = hp.join(ids, left_on="person_key_a", right_on="person_key").join(
        ids, left_on="person_key_b", right_on="person_key", suffix="_b"
    )
    joined = joined.with_columns((pl.col("ids").list.set_intersection("ids_b").list.len() > 0).alias("merged"))
    return joined.group_by("kind").agg(pl.len().alias("pairs"), pl.col("merged").sum().alias("merged")).sort("kind")


def evaluate(persons: pl.DataFrame, truth: pl.DataFrame, hard_pairs: pl.DataFrame | None) -> tuple[Scores, pl.DataFrame | None]:
    truth = truth.with_columns(pl.col("person_key").cast(pl.String))
    scores = score_clusters(persons, truth)
    merges = lookalike_merges(persons, truth, hard_pairs) if hard_pairs is not None else None
    return scores, merges


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--hard-pairs", type=Path, help="default: hard_pairs.csv next to --truth")
    a = ap.parse_args(argv)
    hard = a.hard_pairs or a.truth.with_name("hard_pairs.csv")
    scores, merges = evaluate(read_table(a.persons), read_table(a.truth), read_table(hard) if hard.exists() else None)
    print("accuracy against the generator's truth:")
    print("  " + scores.line())
    print(f"  linked pairs: {scores.correct_pairs:,} true, {scores.predicted_pairs - scores.correct_pairs:,} false")
    if merges is not None:
        total = int(merges["merged"].sum())
        print(f"  look-alikes wrongly merged: {total} " + ", ".join(f"{k} {m}/{p}" for k, p, m in merges.iter_rows()))


if __name__ == "__main__":
    main()
