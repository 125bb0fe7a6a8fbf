"""The service against a caller with a valid key of the wrong program who tries to learn or change
what it may not: one test per attack, each against a real server with the default limits."""

from __future__ import annotations

import concurrent.futures
import json
import re
import subprocess
import time

import duckdb
import httpx
import pytest

from linkage.keysfile import hash_key
from linkage.protection import protected_persons
from tests.cli import LINKAGE
from tests.service.conftest import KEYS, Server, write_keys

# Keys of their own for the attacks that lock or exhaust a key, so the others keep working.
ATTACK_KEYS = {
    **KEYS,
    "iva-enumerator-0123456": {"name": "iva-enumerator", "role": "iva"},
    "iva-hammer-0123456789": {"name": "iva-hammer", "role": "iva"},
}
ATTACKER = {v["name"]: k for k, v in ATTACK_KEYS.items()}


def client(server: Server, key_name: str, purpose: str | None = "intake check") -> httpx.Client:
    headers = {"Authorization": f"Bearer {ATTACKER[key_name]}"}
    if purpose:
        headers["X-Purpose"] = purpose
    return httpx.Client(base_url=server.url, headers=headers, timeout=60)


@pytest.fixture(scope="module")
def attacked(store, tmp_path_factory):
    """A server with the shipped limits (600 requests a minute, 120 watched searches an hour, a key
    locked at its 4th value of a hidden identifier against one person)."""
    d = tmp_path_factory.mktemp("adversary")
    s = Server(store, write_keys(d / "keys.json", ATTACK_KEYS), d / "audit.duckdb", extra=("--max-added-per-key", "6"))
    yield s
    s.stop()


@pytest.fixture(scope="module")
def people(store):
    con = duckdb.connect(str(store), read_only=True)
    cur = con.execute(
        "SELECT record_id, person_id, source_system, case_id, role, first_name, last_name, "
        "strftime(dob_date, '%Y-%m-%d') AS dob, ssn_std AS ssn, street, city, zip, fvi_flag FROM records"
    )
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    linked = con.sql("SELECT person_id, fvi_flag, source_system, case_id, role, street, city, zip FROM records").pl()
    con.close()
    return rows, protected_persons(linked)


def _full(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["ssn"] and r["dob"] and r["street"] and r["zip"] and r["first_name"] and r["last_name"]]


def _answer(body: dict) -> list[tuple]:
    return [(c["person_id"], c["match_probability"], tuple(e["text"] for e in c["evidence"])) for c in body["candidates"]]


def test_an_ssn_guess_never_changes_the_words_tanf_reads(attacked, people):
    """TANF may search by the SSN it holds, but is never told whether it agreed."""
    rows, protected = people
    targets = [r for r in _full(rows) if r["person_id"] not in protected][:8]  # 16 of the 20 watched in a burst
    with client(attacked, "worker-iva") as iva:
        for r in targets:
            probe = {"first_name": r["first_name"], "last_name": r["last_name"], "dob": r["dob"]}
            right = iva.post("/v1/match", json={**probe, "ssn": r["ssn"]})
            wrong_ssn = r["ssn"][:8] + str((int(r["ssn"][8]) + 1) % 10)
            wrong = iva.post("/v1/match", json={**probe, "ssn": wrong_ssn})
            assert right.status_code == wrong.status_code == 200, right.text
            for body in (right.json(), wrong.json()):
                assert not [e for c in body["candidates"] for e in c["evidence"] if e["field"] == "ssn"]
                assert "SSN" not in " ".join(e["text"] for c in body["candidates"] for e in c["evidence"])
            top = lambda b: [(c["person_id"], [e["text"] for e in c["evidence"]]) for c in b["candidates"][:1]]  # noqa: E731
            assert top(right.json()) == top(wrong.json())


def test_last_four_guesses_are_refused_to_roles_that_do_not_see_them(attacked, people):
    rows, _ = people
    r = _full(rows)[0]
    probe = {"first_name": r["first_name"], "last_name": r["last_name"], "ssn_last4": r["ssn"][-4:]}
    for role in ("worker-iva", "worker-ive", "analyst-1"):
        with client(attacked, role) as http:
            answer = http.post("/v1/match", json=probe)
            assert answer.status_code == 403 and "ssn_last4" in answer.json()["detail"]
    with client(attacked, "worker-ivd") as ivd:  # child support sees the last four: no oracle
        assert ivd.post("/v1/match", json=probe).status_code == 200


def test_an_address_guess_is_refused_to_roles_that_do_not_see_addresses(attacked, people):
    rows, protected = people
    r = next(x for x in _full(rows) if x["person_id"] not in protected)
    probe = {"first_name": r["first_name"], "last_name": r["last_name"], "dob": r["dob"], "street": r["street"], "zip": r["zip"]}
    with client(attacked, "worker-ive") as ive:
        answer = ive.post("/v1/match", json=probe)
    assert answer.status_code == 403 and "street" in answer.json()["detail"]
    assert "same street" not in answer.text
    with client(attacked, "worker-ivd") as ivd:
        assert "same street address and zip" in ivd.post("/v1/match", json=probe).text


def test_a_protected_person_answers_the_same_whatever_location_is_guessed(attacked, people):
    """Name and zip, the right zip or a wrong one or none: neither whether nor how a protected
    person is returned may change (blocking keys on zip and street used to find them)."""
    rows, protected = people
    targets = [r for r in rows if r["person_id"] in protected and r["zip"] and r["first_name"] and r["last_name"]]
    assert len(targets) >= 20
    targets = targets[:20]  # five probes each stay within the key's burst
    with client(attacked, "worker-ivd") as ivd:
        for r in targets:
            base = {"first_name": r["first_name"], "last_name": r["last_name"], "min_probability": 0.0, "limit": 50}
            answers = []
            for guess in (
                {},
                {"zip": r["zip"]},
                {"zip": r["zip"], "street": r["street"] or "1 MAIN ST"},
                {"zip": "99999"},
                {"street": "12 NOWHERE RD", "zip": "00501"},
            ):
                body = ivd.post("/v1/match", json={**base, **guess}).json()
                answers.append([a for a in _answer(body) if a[0] == r["person_id"]])
            assert all(a == answers[0] for a in answers), (r["record_id"], answers)
            assert r["street"] is None or all(r["street"] not in str(a) for a in answers)


def test_fvi_set_on_arrival_protects_the_household(attacked):
    """A mother flagged through the API: her children's addresses are withheld too, even where
    they live elsewhere on record, and the father (not of the household) stays releasable."""
    case = {"source_system": "IV-D", "case_id": "D-FVI-NEW"}
    mother = {
        **case,
        "record_id": "FVI-CP-1",
        "role": "CP",
        "first_name": "OLWENNA",
        "last_name": "TREMAYNE-ASHBY",
        "dob": "1988-05-06",
        "street": "12 HIDDEN WAY",
        "city": "AZUSA",
        "zip": "91702",
        "fvi": True,
    }
    child = {
        **case,
        "record_id": "FVI-CH-1",
        "role": "CH",
        "first_name": "PERPETUA",
        "last_name": "TREMAYNE-ASHBY",
        "dob": "2016-01-02",
        "street": "400 OTHER STREET",
        "city": "GLENDORA",
        "zip": "91740",
    }
    father = {
        **case,
        "record_id": "FVI-NCP-1",
        "role": "NCP",
        "first_name": "CASIMIR",
        "last_name": "ASHBY",
        "dob": "1985-07-08",
        "street": "9 FAR AVENUE",
        "city": "POMONA",
        "zip": "91766",
    }
    with client(attacked, "worker-ivd") as ivd:
        taken = ivd.post("/v1/records", json={"records": [father, child, mother]})
        assert taken.status_code == 200, taken.text
        ids = {t["record_id"]: t["person_id"] for t in taken.json()["records"]}
        kid = ivd.get(f"/v1/persons/{ids['FVI-CH-1']}").json()
        assert all(r["address"] is None and r["address_withheld"] for r in kid["records"])
        assert "OTHER STREET" not in str(kid)
        located = ivd.get(f"/v1/children/{ids['FVI-CH-1']}/father").json()
        assert "OTHER STREET" not in str(located) and "HIDDEN WAY" not in str(located)
        dad = ivd.get(f"/v1/persons/{ids['FVI-NCP-1']}").json()
        assert dad["records"][0]["address"]["street"] == "9 FAR AVENUE"


def test_a_key_cannot_replace_another_programs_record(attacked, people):
    rows, _ = people
    ivd_record = next(r for r in rows if r["source_system"] == "IV-D" and r["role"] == "CP")
    forged = {
        "record_id": ivd_record["record_id"],
        "source_system": "IV-A",
        "case_id": "A-FORGED",
        "role": "CP",
        "first_name": "NOBODY",
        "last_name": "ATALL",
    }
    with client(attacked, "worker-iva") as iva:
        r = iva.post("/v1/records", json={"records": [forged]})
        assert r.status_code == 409 and "IV-D" in r.json()["detail"]
        still = iva.get(f"/v1/persons/{ivd_record['person_id']}").json()
    assert ivd_record["record_id"] in [x["record_id"] for x in still["records"]]
    assert "NOBODY" not in str(still)
    with client(attacked, "admin-1") as admin:
        entries = admin.get("/v1/audit", params={"limit": 1000}).json()
    assert any(e["actor"] == "worker-iva" and e["action"].startswith("refused write") for e in entries)


def test_added_records_keep_one_version_a_quota_and_an_admin_delete(attacked):
    rec = {
        "record_id": "A-VERSIONED-1",
        "source_system": "IV-A",
        "case_id": "A-V-1",
        "role": "CP",
        "first_name": "THEODORIC",
        "last_name": "VANTERPOOL",
        "dob": "1979-11-12",
    }
    with client(attacked, "worker-iva") as iva:
        for i in range(8):  # eight versions must not fill the small blocks this person is found in
            assert iva.post("/v1/records", json={"records": [{**rec, "case_id": f"A-V-{i}"}]}).status_code == 200
        hits = iva.post("/v1/match", json={"first_name": "THEODORIC", "last_name": "VANTERPOOL", "dob": "1979-11-12"}).json()
        assert len(hits["candidates"]) == 1 and len(hits["candidates"][0]["records"]) == 1
        extra = [{**rec, "record_id": f"A-QUOTA-{i}", "first_name": f"Q{'X' * i}"} for i in range(6)]
        over = iva.post("/v1/records", json={"records": extra})
        assert over.status_code == 429 and "quota" in over.json()["detail"]
        assert iva.delete("/v1/records/A-VERSIONED-1").status_code == 403
    with client(attacked, "admin-1", purpose="remove test record") as admin:
        assert admin.delete("/v1/records/A-VERSIONED-1").status_code == 204
        assert admin.delete("/v1/records/A-VERSIONED-1").status_code == 404
    with client(attacked, "worker-iva") as iva:
        gone = iva.post("/v1/match", json={"first_name": "THEODORIC", "last_name": "VANTERPOOL", "dob": "1979-11-12"})
        assert gone.json()["candidates"] == []


def test_every_person_data_read_needs_a_purpose(attacked, people):
    rows, _ = people
    r = rows[0]
    with client(attacked, "worker-ivd", purpose=None) as ivd:
        checks = [
            ivd.post("/v1/match", json={"last_name": r["last_name"]}),
            ivd.get(f"/v1/persons/{r['person_id']}"),
            ivd.post(
                "/v1/referrals/check",
                json={
                    "referral_id": "R1",
                    "source_system": "IV-A",
                    "people": [{"role": "CP", "first_name": "A", "last_name": "B"}],
                },
            ),
            ivd.post(
                "/v1/records",
                json={
                    "records": [
                        {
                            "record_id": "P-1",
                            "source_system": "IV-D",
                            "case_id": "D",
                            "role": "CP",
                            "first_name": "A",
                            "last_name": "B",
                        }
                    ]
                },
            ),
        ]
    assert [c.status_code for c in checks] == [422] * 4
    assert all("X-Purpose" in c.json()["detail"] for c in checks)


def test_a_referral_check_audits_the_child_support_people_it_names(attacked, people):
    rows, protected = people
    case = next(r for r in rows if r["source_system"] == "IV-D" and r["role"] == "CP" and r["dob"])
    members = [r for r in rows if r["source_system"] == "IV-D" and r["case_id"] == case["case_id"]]
    kids = [r for r in members if r["role"] == "CH" and r["dob"]]
    body = {
        "referral_id": "A-REF-AUDIT",
        "source_system": "IV-A",
        "people": [
            {"role": r["role"], "first_name": r["first_name"], "last_name": r["last_name"], "dob": r["dob"]}
            for r in [case, *kids]
        ],
    }
    with client(attacked, "worker-iva", purpose="referral audit test") as iva:
        decision = iva.post("/v1/referrals/check", json=body).json()
    assert decision["decision"] == "existing_case" and decision["ivd_case_id"] == case["case_id"]
    assert "SSN" not in decision["reasons"]
    with client(attacked, "admin-1") as admin:
        entry = next(
            e for e in admin.get("/v1/audit", params={"limit": 1000}).json() if e["action"] == "referral check A-REF-AUDIT"
        )
    assert {m["person_id"] for m in members} <= set(entry["person_ids"])  # the NCP too, whom the referral did not name


def test_an_address_sent_with_a_referral_by_tanf_changes_nothing(attacked, people):
    """A referral arrives with the family's address; TANF may not confirm addresses, so a guessed
    one (right or wrong) must leave the decision, its score and its reasons as they are."""
    rows, _ = people
    cp = next(r for r in _full(rows) if r["source_system"] == "IV-D" and r["role"] == "CP")
    kids = [r for r in rows if r["case_id"] == cp["case_id"] and r["role"] == "CH" and r["dob"]]
    people_ = [
        {"role": r["role"], "first_name": r["first_name"], "last_name": r["last_name"], "dob": r["dob"]} for r in [cp, *kids]
    ]
    answers = []
    with client(attacked, "iva-hammer", purpose="referral with an address") as iva:
        for street, zip_ in ((None, None), (cp["street"], cp["zip"]), ("1 NOWHERE RD", "00501")):
            sent = [{**p, "street": street, "zip": zip_} if street and p["role"] == "CP" else p for p in people_]
            r = iva.post("/v1/referrals/check", json={"referral_id": "A-ADDR-1", "source_system": "IV-A", "people": sent})
            assert r.status_code == 200, r.text
            answers.append(r.json())
    # a right and a wrong address give the same answer to the letter; it names the fields left out,
    # which is only what the caller sent
    assert answers[1] == answers[2] and answers[1]["fields_not_compared"] == ["street", "zip"]
    assert {**answers[0], "fields_not_compared": ["street", "zip"]} == answers[1]


def test_per_key_rate_limit_answers_429_with_retry_after(attacked):
    with client(attacked, "iva-hammer") as http:
        codes = [http.get("/v1/whoami") for _ in range(160)]
    limited = [r for r in codes if r.status_code == 429]
    assert limited and int(limited[0].headers["Retry-After"]) >= 1
    with client(attacked, "worker-iva") as other:  # one key's flood does not stop another's work
        assert other.get("/v1/whoami").status_code == 200


def test_a_key_enumerating_ssns_against_one_person_is_locked_and_alerted(attacked, people):
    rows, protected = people
    r = next(x for x in _full(rows) if x["person_id"] not in protected)
    probe = {"first_name": r["first_name"], "last_name": r["last_name"], "dob": r["dob"]}
    with client(attacked, "iva-enumerator") as bad:
        codes = [bad.post("/v1/match", json={**probe, "ssn": f"{r['ssn'][:5]}{i:04d}"}).status_code for i in range(6)]
        assert codes[:3] == [200, 200, 200] and codes[3] == 403
        assert bad.post("/v1/match", json={"last_name": "SMITH"}).status_code == 403  # locked for everything
    with client(attacked, "worker-ive") as good:  # another key asking the same is not locked
        assert good.post("/v1/match", json={**probe, "ssn": r["ssn"]}).status_code == 200
    with client(attacked, "admin-1") as admin:
        alerts = admin.get("/v1/alerts", params={"open_only": True}).json()
        mine = [a for a in alerts if a["actor"] == "iva-enumerator"]
        assert mine and mine[0]["kind"] == "enumeration" and r["ssn"] not in str(alerts)
        assert admin.post(f"/v1/alerts/{mine[0]['alert_id']}/clear").status_code == 200
    with client(attacked, "worker-iva") as other:
        assert other.get("/v1/alerts").status_code == 403
    with client(attacked, "iva-enumerator") as cleared:
        assert cleared.post("/v1/match", json={"last_name": "SMITH"}).status_code == 200


def test_healthz_answers_during_the_heaviest_allowed_query(attacked):
    words = "MARIA JOSE ANA LUZ DEL CARMEN"
    heavy = {
        "first_name": words,
        "middle_name": words,
        "last_name": "GARCIA LOPEZ DE LA CRUZ HERNANDEZ",
        "min_probability": 0.0,
        "limit": 50,
    }
    with client(attacked, "worker-ivd") as ivd:
        too_long = ivd.post("/v1/match", json={**heavy, "first_name": "A B C D E F G"})
        assert too_long.status_code == 422 and "words" in too_long.text
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            running = [pool.submit(ivd.post, "/v1/match", json=heavy) for _ in range(3)]
            waits = []
            while not all(f.done() for f in running):
                started = time.perf_counter()
                assert httpx.get(f"{attacked.url}/healthz", timeout=10).status_code == 200
                waits.append(time.perf_counter() - started)
            assert all(f.result().status_code == 200 for f in running)
    assert max(waits) < 0.5, waits


def test_person_data_is_not_cached_and_the_page_loads_only_its_own_files(attacked):
    with client(attacked, "worker-ivd") as ivd:
        answer = ivd.post("/v1/match", json={"last_name": "GARCIA"})
        assert answer.headers["cache-control"] == "no-store"
        page = ivd.get("/")
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert ivd.get("/docs").status_code == 404 and ivd.get("/redoc").status_code == 404
        assert not re.search(r"https?://", page.text)


def test_the_keys_file_holds_only_hashes_and_refuses_example_keys(store, tmp_path):
    keys = tmp_path / "keys.json"
    made = subprocess.run(
        [LINKAGE, "keys", "add", "--keys", str(keys), "--name", "ive-worker-9", "--role", "ive"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip().splitlines()[-1]
    assert len(key) >= 32 and key not in keys.read_text() and "sha256:" in keys.read_text()
    assert keys.stat().st_mode & 0o077 == 0
    served = Server(store, keys, tmp_path / "audit.duckdb")
    try:
        assert httpx.get(f"{served.url}/v1/whoami", headers={"Authorization": f"Bearer {key}"}).json()["role"] == "ive"
    finally:
        served.stop()
    for bad, why in (
        ({"change-me-ivd-key-123": {"name": "a", "role": "ivd"}}, "hashed"),
        ({hash_key("change-me-ivd-key-123"): {"name": "a", "role": "ivd"}}, "example key"),
    ):
        other = tmp_path / "other.json"
        other.write_text(json.dumps(bad))
        other.chmod(0o600)
        p = subprocess.run(
            [LINKAGE, "serve", "--db", str(store), "--keys", str(other)], capture_output=True, text=True, timeout=60
        )
        assert p.returncode == 2 and why in p.stderr, p.stderr
    keys.chmod(0o644)
    p = subprocess.run([LINKAGE, "serve", "--db", str(store), "--keys", str(keys)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 2 and "chmod 600" in p.stderr
