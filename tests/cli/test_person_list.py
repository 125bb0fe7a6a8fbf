"""A file with no families in it (FEBRL3: every record its own case) through the default command.

FEBRL's duplicates replace whole values (15% of them another first name, 6% another SSN or birth
date): with program data's rules and the shipped model its F1 was 0.9743. Read as a person list the
run trains on the file and leaves look-alike patterns to that model, and what the run trained is kept
in the store for `explain` and the service."""

from __future__ import annotations

import gc

import duckdb
import polars as pl
import pytest

from benchmarks import febrl
from linkage.evaluate import score_clusters
from linkage.persons.constraints import NeverMerge
from linkage.pipeline import LinkConfig, link
from tests.cli import run


@pytest.fixture(scope="module")
def febrl3(tmp_path_factory):
    out = tmp_path_factory.mktemp("febrl3")
    raw = febrl.load("febrl3")
    febrl.as_program_records(raw).write_csv(out / "records.csv")
    p = run("dedupe", out / "records.csv", "--out", out / "persons.csv", "--db", out / "s.duckdb")
    return out, febrl.truth(raw), p


def test_the_default_command_links_a_person_list_as_well_as_plain_splink(febrl3):
    out, truth, p = febrl3
    scores = score_clusters(pl.read_csv(out / "persons.csv", infer_schema=False), truth)
    # plain Splink trained on FEBRL3: F1 0.9962 (benchmarks/RESULTS.md)
    assert scores.precision >= 0.999 and scores.f1 >= 0.995, scores.line()
    assert "person list" in p.stdout and "model trained on this file" in p.stdout


def test_read_as_program_records_the_same_file_splits_what_whole_value_errors_changed(febrl3):
    out, truth, _ = febrl3
    program = link([out / "records.csv"], LinkConfig(profile=False))
    scores = score_clusters(program.records.select("record_id", "person_id"), truth)
    assert scores.recall < 0.97 and not program.trained_here  # why the profile exists
    assert program.refused  # the twins, different-SSN and generation rules refused links


def test_the_model_trained_on_the_list_is_kept_in_the_store_for_explain(febrl3):
    out, _, _ = febrl3
    con = duckdb.connect(str(out / "s.duckdb"), read_only=True)
    (model,) = con.execute("SELECT model FROM runs").fetchall()[0]
    assert model == "trained on the input"
    a, b = "rec-552-org", "rec-552-dup-3"
    text = run("explain", a, b, "--db", out / "s.duckdb").stdout
    assert text.startswith(f"{a} and {b}: one person") and "suffix: missing (+0.00)" in text


def test_the_service_answers_with_the_model_and_rules_of_the_run(febrl3, tmp_path):
    from service.holder import IndexHolder
    from service.servicedb import ServiceDb
    from service.settings import ServiceSettings

    out, _, _ = febrl3
    settings = ServiceSettings(db=out / "s.duckdb", keys=tmp_path / "keys.json", audit=tmp_path / "audit.duckdb")
    db = ServiceDb(tmp_path / "service.duckdb")
    try:
        holder = IndexHolder(settings, db)
        holder.load()
        assert holder.model is not None and holder.model.startswith("trained on the input [")
        # a record added through the API meets the rules the run linked the list with
        assert holder.current is not None and holder.current.never_merge == NeverMerge.person_list()
    finally:
        db.close()
        gc.unfreeze()  # the holder freezes the index out of the collector, as a service process does
