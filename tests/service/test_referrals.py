"""POST /v1/referrals/check gives the batch's decision for the same referral."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from benchmarks.service_speed import api_person
from linkage.cases import CaseConfig, check_referrals
from linkage.store import load_current

FIELDS = (
    "role",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "dob",
    "sex",
    "ssn",
    "street",
    "city",
    "state",
    "zip",
    "case_status",
    "paternity_status",
)


@pytest.fixture(scope="module")
def batch_decisions(store):
    con = duckdb.connect(str(store), read_only=True)
    current = load_current(con)
    con.close()
    return check_referrals(current.records, current.pairs, CaseConfig(link_threshold=current.link_threshold))


def _body(raw: pl.DataFrame, source: str, case_id: str) -> dict:
    people = []
    for r in raw.filter((pl.col("source_system") == source) & (pl.col("case_id") == case_id)).iter_rows(named=True):
        people.append({**api_person(r, FIELDS), "fvi": (r.get("fvi") or "") == "Y"})
    return {"referral_id": case_id, "source_system": source, "people": people}


def test_same_decision_as_the_batch(server, small_data, batch_decisions):
    raw = pl.read_csv(small_data / "records.csv", infer_schema=False)
    sample = batch_decisions.sample(60, seed=3)
    agree, differ = 0, []
    with server.client("ive") as http:
        for d in sample.iter_rows(named=True):
            r = http.post("/v1/referrals/check", json=_body(raw, d["source_system"], d["referral_id"]))
            assert r.status_code == 200, r.text
            got = r.json()
            if (got["decision"], got["ivd_case_id"]) == (d["decision"], d["ivd_case_id"]):
                agree += 1
            else:
                differ.append((d["referral_id"], d["decision"], d["ivd_case_id"], got["decision"], got["ivd_case_id"]))
    assert agree >= 57 and all(g != "existing_case" or b != "new_case" for _, b, _, g, _ in differ), differ


def test_a_referral_of_strangers_is_a_new_case_and_roles_are_checked(server):
    body = {
        "referral_id": "A-NEW",
        "source_system": "IV-A",
        "people": [
            {"role": "CP", "first_name": "OTTILIE", "last_name": "VANTERPOOL", "dob": "1991-02-03"},
            {"role": "CH", "first_name": "BARNABY", "last_name": "VANTERPOOL", "dob": "2019-05-06"},
        ],
    }
    with server.client("iva") as iva, server.client("analyst") as analyst:
        r = iva.post("/v1/referrals/check", json=body)
        assert r.status_code == 200 and r.json()["decision"] == "new_case" and r.json()["ivd_case_id"] is None
        assert analyst.post("/v1/referrals/check", json=body).status_code == 403
        assert iva.post("/v1/referrals/check", json={**body, "people": []}).status_code == 422
        assert iva.post("/v1/referrals/check", json={**body, "source_system": "IV-D"}).status_code == 422


def test_fields_a_role_may_not_search_by_are_left_out_and_named(server):
    """A TANF referral arrives with addresses (its program exported them): TANF may not search by
    address, so the check leaves them out and says so; child support may, and compares them."""
    body = {
        "referral_id": "A-ADDR",
        "source_system": "IV-A",
        "people": [
            {"role": "CP", "first_name": "OTTILIE", "last_name": "VANTERPOOL", "street": "12 ELM ST", "zip": "90001"},
            {"role": "CH", "first_name": "BARNABY", "last_name": "VANTERPOOL", "dob": "2019-05-06"},
        ],
    }
    with server.client("iva") as iva, server.client("ivd") as ivd:
        tanf = iva.post("/v1/referrals/check", json=body)
        child_support = ivd.post("/v1/referrals/check", json=body)
    assert tanf.status_code == 200 and tanf.json()["fields_not_compared"] == ["street", "zip"]
    assert child_support.status_code == 200 and child_support.json()["fields_not_compared"] == []
