"""POST /v1/match against a real server: the batch's candidates and probabilities, roles, masking."""

from __future__ import annotations

import re

import duckdb
import polars as pl
import pytest

from benchmarks.service_speed import api_person
from linkage.model import latest_accepted
from linkage.protection import protected_persons

FIELDS = ("first_name", "middle_name", "last_name", "suffix", "dob", "sex", "ssn", "street", "city", "state", "zip", "role")


@pytest.fixture(scope="module")
def batch(store, small_data):
    con = duckdb.connect(str(store), read_only=True)
    persons = con.sql("SELECT record_id, person_id, source_system, case_id FROM records").pl()
    pairs = con.sql("SELECT record_id_l, record_id_r, match_probability FROM pairs").pl()
    linked = con.sql("SELECT person_id, fvi_flag, source_system, case_id, role, street, city, zip FROM records").pl()
    con.close()
    protected = protected_persons(linked)
    raw = pl.read_csv(small_data / "records.csv", infer_schema=False)
    return raw.join(persons, on="record_id"), pairs, protected


def _query(row: dict) -> dict:
    return api_person(row, FIELDS)


def test_candidates_and_probabilities_are_the_batch_models(server, batch):
    """For every person not protected by the FVI (whose address the service leaves out of the score)."""
    records, pairs, protected = batch
    both = pl.concat(
        [
            pairs,
            pairs.select(
                pl.col("record_id_r").alias("record_id_l"), pl.col("record_id_l").alias("record_id_r"), "match_probability"
            ),
        ]
    )
    case = dict(zip(records["record_id"], records["source_system"] + records["case_id"]))
    person = dict(zip(records["record_id"], records["person_id"]))
    sample = records.filter(pl.col("dob").is_not_null()).sample(60, seed=5).iter_rows(named=True)
    checked = 0
    with server.client("ivd") as http:
        for row in sample:
            body = http.post("/v1/match", json={**_query(row), "min_probability": 0.5, "limit": 50}).json()
            got = {c["person_id"]: c for c in body["candidates"]}
            assert person[row["record_id"]] in got  # a record finds its own person
            partners = both.filter((pl.col("record_id_l") == row["record_id"]) & (pl.col("match_probability") >= 0.5))
            for other, p in zip(partners["record_id_r"], partners["match_probability"]):
                if case[other] == case[row["record_id"]] or person[other] in protected:
                    continue
                assert person[other] in got, (row["record_id"], other)
                assert got[person[other]]["match_probability"] >= round(p, 6) - 1e-6
                checked += 1
    assert checked > 20


def test_evidence_reads_like_words_and_ssn_is_masked_by_role(server, batch):
    records, _, _ = batch
    row = records.filter(pl.col("ssn").str.len_chars() >= 9).row(0, named=True)
    digits = re.sub(r"[^0-9]", "", row["ssn"])
    with server.client("ivd") as ivd, server.client("iva") as iva:
        a = ivd.post("/v1/match", json=_query(row))
        b = iva.post("/v1/match", json={k: v for k, v in _query(row).items() if k not in ("street", "city", "state", "zip")})
    assert a.status_code == b.status_code == 200
    top = a.json()["candidates"][0]
    assert any(e["text"].startswith("same") for e in top["evidence"])
    assert digits not in a.text and digits not in b.text
    assert all(r["ssn_last4"] is None or re.fullmatch(r"[0-9]{4}", r["ssn_last4"]) for r in top["records"])
    assert any(r["ssn_last4"] for r in top["records"])
    iva_top = b.json()["candidates"][0]
    assert all(r["ssn_last4"] is None and r["address"] is None for r in iva_top["records"])
    assert not [e for e in iva_top["evidence"] if e["field"] in ("ssn", "address")]  # TANF sees neither


def test_protected_persons_addresses_are_withheld(server, store):
    con = duckdb.connect(str(store), read_only=True)
    row = con.execute(
        "SELECT first_name, last_name, dob_date, street, zip FROM records WHERE fvi_flag "
        "AND dob_date IS NOT NULL AND street IS NOT NULL LIMIT 1"
    ).fetchall()[0]
    con.close()
    with server.client("ivd") as http:
        body = http.post("/v1/match", json={"first_name": row[0], "last_name": row[1], "dob": row[2].isoformat()})
    top = body.json()["candidates"][0]
    assert all(r["address"] is None and r["address_withheld"] for r in top["records"])
    assert row[3] not in body.text
    assert not [e for e in top["evidence"] if e["field"] == "address"]
    with server.client("ivd") as http:  # a guessed address moves nothing: the score leaves it out
        probe = {"first_name": row[0], "last_name": row[1], "dob": row[2].isoformat()}
        right = http.post("/v1/match", json={**probe, "street": row[3], "zip": row[4]}).json()["candidates"][0]
        wrong = http.post("/v1/match", json={**probe, "street": "1 NOWHERE RD", "zip": "99999"}).json()["candidates"][0]
    assert right["person_id"] == wrong["person_id"] == top["person_id"]
    assert right["match_probability"] == wrong["match_probability"] == top["match_probability"]


def test_person_page_and_audit_trail(server, batch):
    records, _, _ = batch
    pid = records.filter(pl.col("role") == "CH")["person_id"][0]
    with server.client("ivd") as http:
        assert http.post("/v1/match", json={"last_name": "SMITH"}).status_code == 200
    with server.client("ive", purpose="placement review") as http:
        r = http.get(f"/v1/persons/{pid}")
        missing = http.get("/v1/persons/P999999999")
    assert r.status_code == 200 and r.json()["person_id"] == pid and r.json()["family"]
    assert missing.status_code == 404
    with server.client("admin") as admin, server.client("ivd") as ivd:
        entries = admin.get("/v1/audit", params={"limit": 1000}).json()
        assert ivd.get("/v1/audit").status_code == 403
    mine = [e for e in entries if e["action"] == f"person {pid}"]
    assert mine and mine[0]["actor"] == "worker-ive" and mine[0]["role"] == "ive"
    assert mine[0]["purpose"] == "placement review" and pid in mine[0]["person_ids"]
    assert any(e["action"] == "match" and e["actor"] == "worker-ivd" for e in entries)
    assert not any(
        re.search(r"(?<![P0-9])[0-9]{9}|[0-9]{4}-[0-9]{2}-[0-9]{2}", str(e["person_ids"]) + e["purpose"]) for e in entries
    )  # ids only: no SSN, no date of birth


def test_auth_is_required(server):
    with server.client(None) as anon:
        assert anon.post("/v1/match", json={"last_name": "SMITH"}).status_code == 401
        r = anon.post("/v1/match", json={"last_name": "SMITH"}, headers={"Authorization": "Bearer not-a-key"})
        assert r.status_code == 401 and "API key" in r.json()["detail"]
        timed = anon.get("/readyz")
        assert re.fullmatch(r"app;dur=\d+\.\d\d", timed.headers["server-timing"])  # the app's own time
        ready = timed.json()
        assert anon.get("/healthz").status_code == 200 and ready["status"] == "ready"
        accepted = latest_accepted().meta.name
        assert re.fullmatch(rf"{re.escape(accepted)} \[[0-9a-f]{{12}}\]", ready["model"])  # the accepted version answering
        assert "/v1/match" in anon.get("/openapi.json").json()["paths"]
