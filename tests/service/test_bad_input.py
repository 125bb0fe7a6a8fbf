"""Malformed requests get a 4xx that says what is wrong, never a 5xx; fuzzed bodies included."""

from __future__ import annotations

import json

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


@pytest.mark.parametrize(
    "body,status,words",
    [
        ("{not json", 422, "json"),
        ('{"first_name": 12}', 422, "first_name"),
        ('{"last_name": "SMITH", "favourite_color": "red"}', 422, "favourite_color"),
        ('{"dob": "2019-02-30"}', 422, "not a date"),
        ('{"ssn": "12-34"}', 422, "9 digits"),
        ("{}", 422, "at least a name"),
        ('{"last_name": "SMITH", "limit": 0}', 422, "limit"),
        ("[]", 422, "body"),
        ("", 422, "body"),
    ],
)
def test_malformed_match_requests(server, body, status, words):
    with server.client("ivd") as http:
        r = http.post("/v1/match", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert words.lower() in r.text.lower() and "Traceback" not in r.text


def test_oversize_body_is_413_with_or_without_content_length(server):
    big = json.dumps({"last_name": "X" * 200_000})
    with server.client("ivd") as http:
        assert http.post("/v1/match", content=big, headers={"content-type": "application/json"}).status_code == 413

        def chunks():
            for i in range(0, len(big), 4096):
                yield big[i : i + 4096].encode()

        assert http.post("/v1/match", content=chunks(), headers={"content-type": "application/json"}).status_code == 413


def test_bad_paths_and_methods(server):
    with server.client("ivd") as http:
        assert http.get("/v1/persons/" + "x" * 100).status_code == 422
        assert http.get("/v1/persons/a%20b").status_code == 422
        assert http.get("/v1/match").status_code == 405
        assert http.get("/v1/nothing").status_code == 404


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30),
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
    max_leaves=12,
)
fields = st.sampled_from(
    [
        "first_name",
        "last_name",
        "middle_name",
        "dob",
        "ssn",
        "ssn_last4",
        "sex",
        "zip",
        "street",
        "role",
        "limit",
        "min_probability",
        "suffix",
        "city",
    ]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(fields, json_values | st.text(max_size=40), max_size=6) | json_values)
def test_fuzzed_match_bodies_never_5xx(server, body):
    with server.client("ivd") as http:
        r = http.post("/v1/match", json=body)
    assert r.status_code < 500, (body, r.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_fuzzed_raw_bytes_never_5xx(server, raw):
    with server.client("ivd") as http:
        r = http.post("/v1/match", content=raw, headers={"content-type": "application/json"})
    assert r.status_code < 500, (raw, r.text)


record_fields = st.sampled_from(
    [
        "record_id",
        "source_system",
        "case_id",
        "role",
        "first_name",
        "last_name",
        "dob",
        "ssn",
        "fvi",
        "case_status",
        "paternity_status",
        "zip",
        "sex",
        "nonsense",
    ]
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.dictionaries(record_fields, json_values, max_size=8), max_size=3),
    source=st.sampled_from(["IV-A", "IV-E", "IV-D", "", None, 3]),
)
def test_fuzzed_referrals_and_records_never_5xx(server, people, source):
    with server.client("ivd") as http:
        r = http.post("/v1/referrals/check", json={"referral_id": "F1", "source_system": source, "people": people})
        assert r.status_code < 500, (people, r.text)
        r = http.post("/v1/records", json={"records": people})
        assert r.status_code < 500, (people, r.text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pid=st.text(max_size=50), purpose=st.text(max_size=250))
def test_fuzzed_paths_never_5xx(server, pid, purpose):
    with server.client("ive") as http:
        for url in (f"/v1/persons/{pid}", f"/v1/children/{pid}/father"):
            try:
                r = http.get(url, params={"purpose": purpose})
            except httpx.InvalidURL:
                continue
            assert r.status_code < 500, (url, r.text)
