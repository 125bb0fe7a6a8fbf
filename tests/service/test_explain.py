"""POST /v1/explain: why two records are or are not one person, in what the role may see."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def pairs(store):
    con = duckdb.connect(str(store), read_only=True)
    plain = con.execute("""
        SELECT a.record_id, b.record_id, a.person_id FROM records a JOIN records b
          ON a.person_id = b.person_id AND a.record_id < b.record_id AND a.ssn_std = b.ssn_std
        WHERE a.person_id NOT IN (SELECT person_id FROM records WHERE fvi_flag)
        ORDER BY a.record_id LIMIT 1""").fetchall()[0]
    protected = con.execute("""
        SELECT a.record_id, b.record_id FROM records a JOIN records b
          ON a.person_id = b.person_id AND a.record_id < b.record_id
        WHERE a.fvi_flag ORDER BY a.record_id LIMIT 1""").fetchall()[0]
    con.close()
    return plain, protected


def test_child_support_sees_every_comparison_and_the_look_up_is_audited(server, pairs):
    (a, b, pid), _ = pairs
    with server.client("ivd", purpose="check a merge") as http, server.client("admin") as admin:
        r = http.post("/v1/explain", json={"record_a": a, "record_b": b})
        assert r.status_code == 200, r.text
        audit = admin.get("/v1/audit", params={"limit": 20}).json()
    body = r.json()
    assert body["same_person"] and body["person_a"] == pid and body["decision"].startswith("one person")
    assert {"ssn", "address"} <= {e["comparison"] for e in body["evidence"]}
    assert any(x["action"] == f"explain {a} {b}" and x["person_ids"] == [pid] for x in audit)


def test_a_role_that_may_not_see_ssns_or_addresses_learns_nothing_of_them(server, pairs):
    (a, b, _), (pa, pb) = pairs
    with server.client("iva") as iva, server.client("ivd") as ivd:
        words = iva.post("/v1/explain", json={"record_a": a, "record_b": b}).json()
        protected = ivd.post("/v1/explain", json={"record_a": pa, "record_b": pb}).json()
    assert not {"ssn", "address"} & {e["comparison"] for e in words["evidence"]}
    assert "ssn" not in str(words["would_flip"]).lower() and "address" not in str(words["would_flip"])
    assert "address" not in {e["comparison"] for e in protected["evidence"]}  # a protected person: for everyone


@pytest.fixture(scope="module")
def two_numbers(store):
    """Records of two persons under one first name and birth date with two SSNs, no protected person."""
    con = duckdb.connect(str(store), read_only=True)
    rows = con.execute("""
        SELECT a.record_id, b.record_id FROM records a JOIN records b
          ON a.record_id < b.record_id AND a.person_id <> b.person_id AND a.fn = b.fn AND a.dob_str = b.dob_str
         AND a.ssn_std <> b.ssn_std
        WHERE NOT a.fvi_flag AND NOT b.fvi_flag ORDER BY a.record_id, b.record_id""").fetchall()
    con.close()
    return rows


def test_a_wrong_program_caller_is_not_told_that_two_ssns_differ(server, two_numbers):
    """Child support is told the different-SSNs rule kept two records apart; a TANF key asking about
    the same pair learns that a rule on a field it may not see did, never that the SSNs differ."""
    with server.client("ivd") as ivd, server.client("iva") as iva:
        told = [
            (a, b)
            for a, b in two_numbers
            if "different SSNs" in ivd.post("/v1/explain", json={"record_a": a, "record_b": b}).text
        ]
        assert told, "the fixture holds two persons kept apart by their SSNs"
        for a, b in told:
            body = iva.post("/v1/explain", json={"record_a": a, "record_b": b}).json()
            assert not body["same_person"]
            assert "ssn" not in (body["decision"] + str(body["kept_apart_by"]) + str(body["would_flip"])).lower()
            assert "a rule on a field this reader may not see" in body["kept_apart_by"]


def test_bad_requests_and_roles_are_refused_with_a_message(server, pairs):
    (a, b, _), _ = pairs
    with server.client("ivd") as ivd, server.client("admin") as admin, server.client("ivd", purpose=None) as nopurpose:
        assert ivd.post("/v1/explain", json={"record_a": a, "record_b": "NO-SUCH"}).status_code == 404
        bad = ivd.post("/v1/explain", json={"record_a": a, "record_b": b, "extra": 1})
        assert bad.status_code == 422 and "extra" in bad.text
        assert ivd.post("/v1/explain", json={"record_a": a, "record_b": "x' OR 1=1"}).status_code == 422
        assert admin.post("/v1/explain", json={"record_a": a, "record_b": b}).status_code == 403
        assert nopurpose.post("/v1/explain", json={"record_a": a, "record_b": b}).status_code == 422
