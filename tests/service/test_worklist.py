"""GET /v1/worklist: IV-D and IV-E only, purpose required and audited, most urgent first, no address."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest


@pytest.fixture(scope="module")
def protected_streets(store) -> list[str]:
    con = duckdb.connect(str(store), read_only=True)
    streets = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT street FROM records WHERE street IS NOT NULL AND person_id IN "
            "(SELECT person_id FROM records WHERE fvi_flag)"
        ).fetchall()
    ]
    con.close()
    return streets


def test_foster_care_sees_the_children_in_care_most_urgent_first_and_it_is_audited(server, protected_streets):
    with server.client("ive", purpose="monthly permanency review") as http, server.client("admin") as admin:
        r = http.get("/v1/worklist", params={"as_of": "2026-11-01"})
        assert r.status_code == 200, r.text
        body = r.json()
        audit = admin.get("/v1/audit", params={"limit": 20}).json()
    rows = body["rows"]
    assert body["children"] > 0 and body["counted_from"] == "2026-11-01"
    dates = [date.fromisoformat(row["permanency_date"]) for row in rows]
    assert dates == sorted(dates)
    assert all(row["months_in_care"] >= 0 for row in rows) and {"father_located", "father_basis"} <= set(rows[0])
    assert not [s for s in protected_streets if s in r.text]  # no address at all, protected or not
    entry = next(a for a in audit if a["action"] == "worklist as of 2026-11-01")
    assert entry["purpose"] == "monthly permanency review" and rows[0]["child_person_id"] in entry["person_ids"]


def test_other_roles_no_purpose_and_a_bad_date_are_refused(server):
    with server.client("ivd", purpose=None) as ivd, server.client("iva") as iva, server.client("analyst") as analyst:
        assert ivd.get("/v1/worklist").status_code == 422
        assert iva.get("/v1/worklist", params={"purpose": "check"}).status_code == 403
        assert analyst.get("/v1/worklist", params={"purpose": "check"}).status_code == 403
        bad = ivd.get("/v1/worklist", params={"purpose": "check", "as_of": "11/01/2026"})
        assert bad.status_code == 422 and "as_of" in bad.text
        assert ivd.get("/v1/worklist", params={"purpose": "check"}).status_code == 200
