"""Clerical review end to end: export a batch, decide it, import it, and see the next run obey."""

from __future__ import annotations

import re
import shutil

import duckdb
import polars as pl
import pytest

from linkage.review.sheet import GREY, HELD
from tests.cli import run


@pytest.fixture(scope="module")
def reviewed_store(small_data, tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    run("dedupe", small_data / "records.csv", "--out", out / "persons.csv", "--db", out / "s.duckdb")
    return out


def _copy(src, tmp_path):
    shutil.copy(src / "s.duckdb", tmp_path / "s.duckdb")
    return tmp_path / "s.duckdb"


def _truth(small_data) -> dict[str, str]:
    t = pl.read_csv(small_data / "truth.csv", infer_schema=False)
    return dict(zip(t[t.columns[0]], t[t.columns[1]]))


def test_export_masks_ssns_and_never_sends_a_pair_twice(reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    run("review", "export", "--db", db, "--out", tmp_path / "a.csv", "--limit", "15")
    run("review", "export", "--db", db, "--out", tmp_path / "b.csv", "--limit", "15")
    a, b = (pl.read_csv(tmp_path / f, infer_schema=False) for f in ("a.csv", "b.csv"))
    assert a.height == 15 and b.height == 15
    keys = lambda df: set(zip(df["record_id_l"], df["record_id_r"]))  # noqa: E731
    assert not keys(a) & keys(b)
    ssns = pl.concat([a["ssn_masked_l"], a["ssn_masked_r"]]).drop_nulls()
    assert ssns.str.contains(r"^(\*\*\*-\*\*-\d{4}|missing|placeholder|invalid)$").all()
    con = duckdb.connect(str(db), read_only=True)
    link, review = (
        float(v)
        for (v,) in con.execute(
            "SELECT value FROM meta WHERE key IN ('link_threshold', 'review_threshold') ORDER BY key"
        ).fetchall()
    )
    prob = pl.col("match_probability").cast(pl.Float64)
    assert (
        a.select(pl.when(pl.col("why") == HELD).then(prob >= link - 1e-4).otherwise(prob.is_between(review - 1e-4, link)))
        .to_series()
        .all()
    )


def test_links_held_back_come_first_and_a_match_decision_settles_them(small_data, reviewed_store, tmp_path):
    """A strong pair not linked because the record fits two people of one case goes to review
    first; a reviewer's "match" links it on the next run, the rival left apart."""
    db = _copy(reviewed_store, tmp_path)
    con = duckdb.connect(str(db), read_only=True)
    held = con.execute("SELECT count(*) FROM review_queue WHERE held").fetchall()[0][0]
    con.close()
    assert held > 0
    run("review", "export", "--db", db, "--out", tmp_path / "s.csv", "--limit", str(held + 5))
    sheet = pl.read_csv(tmp_path / "s.csv", infer_schema=False)
    assert sheet["why"].to_list() == [HELD] * held + [GREY] * 5
    strong = sheet.head(held)
    assert (strong["match_probability"].cast(pl.Float64) >= 0.9).all()
    truth = _truth(small_data)
    same = strong.filter([truth[a] == truth[b] for a, b in zip(strong["record_id_l"], strong["record_id_r"])])
    a, b = (same if same.height else strong).select("record_id_l", "record_id_r").row(0)
    pl.DataFrame({"record_id_l": [a], "record_id_r": [b], "decision": ["match"], "reviewer": ["pat"]}).write_csv(
        tmp_path / "decided.csv"
    )
    run("review", "import", tmp_path / "decided.csv", "--db", db)
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "again.csv", "--db", db)
    again = dict(pl.read_csv(tmp_path / "again.csv", infer_schema=False).select("record_id", "person_id").iter_rows())
    assert again[a] == again[b]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM review_queue WHERE held").fetchall()[0][0] < held


def test_a_store_from_before_held_links_still_exports(small_data, reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    con = duckdb.connect(str(db))
    con.execute("CREATE OR REPLACE TABLE pairs AS SELECT * EXCLUDE (held) FROM pairs")
    con.execute("CREATE OR REPLACE VIEW review_queue AS SELECT 1 AS x")  # anything: it is re-made
    con.close()
    run("review", "export", "--db", db, "--out", tmp_path / "s.csv", "--limit", "5")
    assert pl.read_csv(tmp_path / "s.csv", infer_schema=False)["why"].to_list() == [GREY] * 5


def test_decisions_are_kept_and_the_next_run_obeys_a_not_a_match(small_data, reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    con = duckdb.connect(str(db), read_only=True)
    # a strong pair the run linked: a reviewer says otherwise
    a, b = con.execute(
        "SELECT p.record_id_l, p.record_id_r FROM pairs p JOIN persons x ON x.record_id = p.record_id_l "
        "JOIN persons y ON y.record_id = p.record_id_r WHERE x.person_id = y.person_id "
        "AND p.match_probability > 0.999 ORDER BY 1, 2 LIMIT 1"
    ).fetchall()[0]
    con.close()
    pl.DataFrame({"record_id_l": [b], "record_id_r": [a], "decision": ["Not a match"], "reviewer": ["pat"]}).write_csv(
        tmp_path / "decided.csv"
    )
    p = run("review", "import", tmp_path / "decided.csv", "--db", db)
    assert "1 decisions recorded (not a match: 1)" in p.stdout
    run("dedupe", small_data / "records.csv", "--out", tmp_path / "again.csv", "--db", db)
    again = dict(pl.read_csv(tmp_path / "again.csv", infer_schema=False).select("record_id", "person_id").iter_rows())
    assert again[a] != again[b]
    con = duckdb.connect(str(db), read_only=True)
    kept = con.execute("SELECT record_id_l, record_id_r, decision, reviewer FROM review_decisions").fetchall()
    assert kept == [(min(a, b), max(a, b), "not a match", "pat")]
    assert (
        con.execute(
            "SELECT count(*) FROM review_queue WHERE record_id_l = ? AND record_id_r = ?", [min(a, b), max(a, b)]
        ).fetchall()[0][0]
        == 0
    )


def test_estimates_come_from_the_decisions(small_data, reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    run("review", "export", "--db", db, "--out", tmp_path / "s.csv", "--limit", "40")
    sheet = pl.read_csv(tmp_path / "s.csv", infer_schema=False)
    truth = _truth(small_data)
    same = [truth[x] == truth[y] for x, y in zip(sheet["record_id_l"], sheet["record_id_r"])]
    sheet = sheet.with_columns(pl.Series("decision", ["match" if s else "not a match" for s in same]))
    sheet.write_csv(tmp_path / "s.csv")
    run("review", "import", tmp_path / "s.csv", "--db", db, "--reviewer", "lee")
    p = run("review", "status", "--db", db)
    assert "decided pairs: 40" in p.stdout
    probs = sheet["match_probability"].cast(pl.Float64)
    above = [s for s, q in zip(same, probs) if q >= 0.5]
    row = next(line for line in p.stdout.splitlines() if line.strip().startswith("│ 0.5 "))
    assert f"{sum(above) / len(above):.3f}" in row and f"{len(above):,}" in row
    # a decided pair is never asked again
    run("review", "export", "--db", db, "--out", tmp_path / "next.csv", "--limit", "1000", "--again-after-days", "0")
    nxt = pl.read_csv(tmp_path / "next.csv", infer_schema=False)
    assert not set(zip(nxt["record_id_l"], nxt["record_id_r"])) & set(zip(sheet["record_id_l"], sheet["record_id_r"]))


def test_a_sheet_with_a_bad_row_is_refused_whole(reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    run("review", "export", "--db", db, "--out", tmp_path / "s.csv", "--limit", "3")
    sheet = pl.read_csv(tmp_path / "s.csv", infer_schema=False).with_columns(
        pl.Series("decision", ["match", "perhaps", "not a match"]), pl.lit("kim").alias("reviewer")
    )
    sheet.with_columns(
        pl.when(pl.int_range(pl.len()) == 2).then(pl.lit("NOPE")).otherwise(pl.col("record_id_r")).alias("record_id_r")
    ).write_csv(tmp_path / "bad.csv")
    p = run("review", "import", tmp_path / "bad.csv", "--db", db, check=False)
    assert p.returncode == 2
    assert "row 2: decision 'perhaps'" in p.stderr and "row 3: record id 'NOPE'" in p.stderr
    assert "Traceback" not in p.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM review_decisions").fetchall()[0][0] == 0
    p = run("review", "import", tmp_path / "missing.csv", "--db", db, check=False)
    assert p.returncode == 2 and "no such file" in p.stderr


def test_m_probabilities_can_be_trained_from_reviewed_matches(small_data, reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    p = run(
        "train",
        small_data / "records.csv",
        "--name",
        "m-reviewed",
        "--models-dir",
        tmp_path / "models",
        "--m-from-review",
        db,
        check=False,
    )
    assert p.returncode == 2 and "no reviewer has decided a pair 'match'" in p.stderr
    run("review", "export", "--db", db, "--out", tmp_path / "s.csv", "--limit", "30")
    sheet = pl.read_csv(tmp_path / "s.csv", infer_schema=False)
    truth = _truth(small_data)
    sheet.with_columns(
        pl.Series(
            "decision",
            ["match" if truth[a] == truth[b] else "not a match" for a, b in zip(sheet["record_id_l"], sheet["record_id_r"])],
        )
    ).write_csv(tmp_path / "s.csv")
    run("review", "import", tmp_path / "s.csv", "--db", db, "--reviewer", "lee")
    run("train", small_data / "records.csv", "--name", "m-reviewed", "--models-dir", tmp_path / "models", "--m-from-review", db)
    run("train", small_data / "records.csv", "--name", "m-em", "--models-dir", tmp_path / "models")
    from linkage.model import latest_accepted, level_weights, load_model

    reviewed, em = (load_model(n, tmp_path / "models") for n in ("m-reviewed", "m-em"))
    assert "reviewed match pairs" in reviewed.meta.notes and reviewed.meta.status == "candidate"
    assert [m for _, _, m, _, _ in level_weights(reviewed.splink)] != [m for _, _, m, _, _ in level_weights(em.splink)]
    with pytest.raises(Exception, match="no accepted model version"):
        latest_accepted(tmp_path / "models")  # both are candidates until someone accepts one


def test_an_accuracy_sample_is_blind_and_its_review_gives_estimates_with_intervals(small_data, reviewed_store, tmp_path):
    """Draw, decide (here from the generator's truth), import: status and the report estimate
    precision and recall with 95% intervals; the sheet shows neither score nor the run's decision."""
    db = _copy(reviewed_store, tmp_path)
    first = run("review", "sample", "--db", db, "--out", tmp_path / "s.csv", "--size", "120", "--seed", "5")
    assert "120 pairs of run 1" in first.stdout
    sheet = pl.read_csv(tmp_path / "s.csv", infer_schema=False)
    assert sheet.height == 120
    assert not {"match_probability", "match_weight", "same_person_now", "why"} & set(sheet.columns)
    assert (
        pl.concat([sheet["ssn_masked_l"], sheet["ssn_masked_r"]])
        .drop_nulls()
        .str.contains(r"^(\*\*\*-\*\*-\d{4}|missing|placeholder|invalid)$")
        .all()
    )
    run("review", "sample", "--db", db, "--out", tmp_path / "again.csv", "--size", "120", "--seed", "5")
    assert pl.read_csv(tmp_path / "again.csv", infer_schema=False).equals(sheet)

    before = run("review", "status", "--db", db).stdout
    assert "provisional" in before  # nothing decided yet
    truth = _truth(small_data)
    sheet.with_columns(
        pl.Series(
            "decision",
            ["match" if truth[a] == truth[b] else "not a match" for a, b in zip(sheet["record_id_l"], sheet["record_id_r"])],
        ),
        pl.lit("pat").alias("reviewer"),
    ).write_csv(tmp_path / "decided.csv")
    run("review", "import", tmp_path / "decided.csv", "--db", db)
    status = run("review", "status", "--db", db).stdout
    assert "accuracy sample 2 of run 1" in status and "120 of 120 sampled pairs decided" in status
    assert "provisional" not in status
    low, high = (float(x) for x in re.search(r"precision\s*│\s*[\d.]+\s*│\s*([\d.]+) - ([\d.]+)", status).groups())
    assert 0.9 < low <= high <= 1.0
    run("report", "--db", db, "--out", tmp_path / "r.html")
    page = (tmp_path / "r.html").read_text()
    assert "Accuracy from the clerical sample" in page and "Precision and recall with their 95% intervals" in page


def test_a_sample_too_small_for_its_strata_is_refused_with_the_way_out(reviewed_store, tmp_path):
    db = _copy(reviewed_store, tmp_path)
    p = run("review", "sample", "--db", db, "--out", tmp_path / "s.csv", "--size", "3", check=False)
    assert p.returncode == 2 and "--no-by-programs" in p.stdout + p.stderr
    assert not (tmp_path / "s.csv").exists()
    run("review", "sample", "--db", db, "--out", tmp_path / "s.csv", "--size", "30", "--no-by-programs")
