"""POST /v1/records: matched on arrival, visible to the next query, ids stable across a restart."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from tests.service.conftest import Server


@pytest.fixture(scope="module")
def own_server(store, keys_file, tmp_path_factory):
    audit = tmp_path_factory.mktemp("records") / "service.duckdb"
    s = Server(store, keys_file, audit)
    yield s
    s.stop()


@pytest.fixture(scope="module")
def known(store):
    con = duckdb.connect(str(store), read_only=True)
    row = con.execute(
        "SELECT person_id, first_name, last_name, strftime(dob_date, '%Y-%m-%d'), ssn_std FROM records "
        "WHERE ssn_std IS NOT NULL AND dob_date IS NOT NULL AND role = 'CP' ORDER BY record_id LIMIT 1"
    ).fetchall()[0]
    con.close()
    return row


def test_a_known_person_new_in_another_program(own_server, known):
    pid, first, last, dob, ssn = known
    rec = {
        "record_id": "NEW-A-1",
        "source_system": "IV-A",
        "case_id": "A-NEW-1",
        "role": "CP",
        "first_name": first,
        "last_name": last,
        "dob": dob,
        "ssn": ssn,
    }
    with own_server.client("iva") as iva:
        r = iva.post("/v1/records", json={"records": [rec]})
        assert r.status_code == 200, r.text
        taken = r.json()["records"][0]
        assert taken["person_id"] == pid and taken["matched_existing_person"]
        person = iva.get(f"/v1/persons/{pid}").json()
        assert "NEW-A-1" in [x["record_id"] for x in person["records"]]


def test_a_new_person_gets_a_service_id_that_survives_a_restart(own_server, store, keys_file):
    rec = {
        "record_id": "NEW-E-1",
        "source_system": "IV-E",
        "case_id": "E-NEW-1",
        "role": "CH",
        "first_name": "ZEPHYRINE",
        "last_name": "QUIXOTE-ABARA",
        "dob": "2021-03-04",
        "sex": "F",
    }
    with own_server.client("ive") as ive:
        first = ive.post("/v1/records", json={"records": [rec]}).json()["records"][0]
        assert first["person_id"].startswith("S") and not first["matched_existing_person"]
        again = ive.post("/v1/records", json={"records": [{**rec, "dob": "2021-03-05"}]}).json()["records"][0]
        assert again["person_id"] == first["person_id"] and again["replaced_earlier_version"]
        hits = ive.post("/v1/match", json={"first_name": "ZEPHYRINE", "last_name": "QUIXOTE ABARA", "dob": "2021-03-05"}).json()
        assert hits["candidates"][0]["person_id"] == first["person_id"]
        assert len(hits["candidates"][0]["records"]) == 1  # the replaced version is gone
    own_server.stop()
    restarted = Server(store, keys_file, own_server.audit)
    try:
        with restarted.client("ivd") as ivd:
            hits = ivd.post(
                "/v1/match", json={"first_name": "ZEPHYRINE", "last_name": "QUIXOTE ABARA", "dob": "2021-03-05"}
            ).json()
        assert hits["candidates"][0]["person_id"] == first["person_id"]
    finally:
        restarted.stop()
        own_server.proc = restarted.proc  # the fixture's stop() is then a no-op on an ended process


def test_roles_add_only_their_own_programs_records(server):
    rec = {"record_id": "X-1", "source_system": "IV-D", "case_id": "D-X", "role": "CP", "first_name": "A", "last_name": "B"}
    with server.client("iva") as iva, server.client("analyst") as analyst:
        assert iva.post("/v1/records", json={"records": [rec]}).status_code == 403
        assert analyst.post("/v1/records", json={"records": [rec]}).status_code == 403
        assert iva.post("/v1/records", json={"records": []}).status_code == 422
        bad = iva.post("/v1/records", json={"records": [{**rec, "source_system": "IV-A", "dob": "2999-01-01"}]})
        assert bad.status_code == 422 and "future" in bad.text
        # a parent's date that is a child's (the batch blanks it; a caller is told) or before 1900
        young = iva.post("/v1/records", json={"records": [{**rec, "source_system": "IV-A", "dob": "2021-05-06"}]})
        assert young.status_code == 422 and "parent (CP) younger than 10" in young.text and "2021" not in young.text
        old = iva.post("/v1/records", json={"records": [{**rec, "source_system": "IV-A", "dob": "1899-12-31"}]})
        assert old.status_code == 422 and "before 1900" in old.text


def test_records_added_through_the_service_flow_into_the_next_batch_run_with_person_ids(store, keys_file, small_data, tmp_path):
    """A new child added in foster care gets an S id; the next batch run, given the service's export,
    links it like any record: it gets a P id, a 'replaced' event says which S id it had, the service
    reloads and shows it once, and nothing is counted twice."""
    import json
    import shutil
    import time

    from tests.cli import run

    db = tmp_path / "live.duckdb"
    shutil.copy(store, db)
    service_db = tmp_path / "service.duckdb"
    server = Server(db, keys_file, service_db, reload_seconds=0.5)
    rec = {
        "record_id": "FLOW-E-1",
        "source_system": "IV-E",
        "case_id": "E-FLOW-1",
        "role": "CH",
        "first_name": "ZEPHYRINA",
        "last_name": "QUILLFEATHER",
        "dob": "2020-02-02",
        "sex": "F",
    }
    try:
        with server.client("ive") as ive:
            sid = ive.post("/v1/records", json={"records": [rec]}).json()["records"][0]["person_id"]
            gone = {**rec, "record_id": "FLOW-E-2", "first_name": "TEMPORARIA"}
            ive.post("/v1/records", json={"records": [gone]})
        with server.client("admin") as admin:
            assert admin.delete("/v1/records/FLOW-E-2").status_code in (200, 204)
        export = tmp_path / "service.added.jsonl"
        assert sid.startswith("S") and [json.loads(x)["op"] for x in export.read_text().splitlines()] == ["add", "add", "delete"]
        before = server.client("ive").get("/readyz").json()["index_run_id"]
        p = run("dedupe", small_data / "records.csv", "--out", tmp_path / "p.csv", "--db", db, "--service-added", export)
        assert "1 records added through the service taken in" in p.stdout
        persons = dict(pl.read_csv(tmp_path / "p.csv", infer_schema=False).select("record_id", "person_id").iter_rows())
        pid = persons["FLOW-E-1"]
        assert pid.startswith("P") and "FLOW-E-2" not in persons
        run("events", "--since", str(before), "--out", tmp_path / "e.csv", "--db", db)
        events = pl.read_csv(tmp_path / "e.csv", infer_schema=False)
        assert events.filter(pl.col("kind") == "replaced").select("person_id", "other_ids").rows() == [(pid, sid)]
        with server.client("ive") as ive:
            deadline = time.time() + 60
            while ive.get("/readyz").json()["index_run_id"] == before and time.time() < deadline:
                time.sleep(0.3)
            hits = ive.post(
                "/v1/match", json={"first_name": "ZEPHYRINA", "last_name": "QUILLFEATHER", "dob": "2020-02-02"}
            ).json()["candidates"]
        assert hits[0]["person_id"] == pid and [r["record_id"] for r in hits[0]["records"]] == ["FLOW-E-1"]
    finally:
        server.stop()
