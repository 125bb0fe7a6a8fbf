"""GET /v1/children/{id}/father: purpose required, IV-D and IV-E only, FVI locations never released."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def children(store):
    con = duckdb.connect(str(store), read_only=True)
    rows = con.execute("""
        SELECT DISTINCT c.person_id, bool_or(f.fvi_flag) OVER (PARTITION BY c.person_id) AS father_protected
        FROM records c JOIN records f ON f.case_id = c.case_id AND f.source_system = c.source_system
        WHERE c.role = 'CH' AND c.source_system = 'IV-D' AND f.role IN ('NCP', 'PF')""").fetchall()
    fvi_streets = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT street FROM records WHERE street IS NOT NULL AND person_id IN "
            "(SELECT person_id FROM records WHERE fvi_flag)"
        ).fetchall()
    ]
    con.close()
    return rows, fvi_streets


def test_father_with_paternity_and_sources(server, children):
    rows, _ = children
    pid = next(p for p, protected in rows if not protected)
    with server.client("ive") as http:
        r = http.get(f"/v1/children/{pid}/father", params={"purpose": "permanency hearing"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["child"]["person_id"] == pid and body["fathers"] and body["as_of"].startswith("20")
    father = body["fathers"][0]
    assert father["paternity_status"] in ("ADJUDICATED", "ACKNOWLEDGED", "PRESUMED", "ALLEGED", None)
    assert all(a["sources"] for a in father["person"]["addresses"])


def test_no_protected_address_in_any_answer(server, children):
    rows, fvi_streets = children
    assert fvi_streets and any(p for _, p in rows)
    with server.client("ivd") as http:
        for pid, _ in rows[:150]:
            text = http.get(f"/v1/children/{pid}/father", params={"purpose": "locate for order"}).text
            assert not [s for s in fvi_streets if s in text], pid


def test_purpose_and_role_are_required(server, children):
    pid = children[0][0][0]
    with server.client("ivd", purpose=None) as ivd, server.client("iva") as iva, server.client("analyst") as analyst:
        assert ivd.get(f"/v1/children/{pid}/father").status_code == 422
        assert iva.get(f"/v1/children/{pid}/father", params={"purpose": "check"}).status_code == 403
        assert analyst.get(f"/v1/children/{pid}/father", params={"purpose": "check"}).status_code == 403
        assert ivd.get("/v1/children/P999999999/father", params={"purpose": "check"}).status_code == 404
