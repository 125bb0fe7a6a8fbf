"""GET /v1/events: person id changes by run, for case systems that keep ids."""

from __future__ import annotations


def test_events_of_the_runs_after_a_run_page_by_page(server):
    with server.client("ive") as http:
        first = http.get("/v1/events", params={"since": 0, "limit": 5})
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["total"] > 5 and len(body["events"]) == 5 and body["next_offset"] == 5
        assert {e["kind"] for e in body["events"]} <= {"merge", "split", "new", "retired"}
        assert set(body["events"][0]) == {"run_id", "finished_at", "kind", "person_id", "other_ids"}
        assert http.get("/v1/events", params={"since": 10**6}).json()["events"] == []
        assert http.get("/v1/events", params={"since": -1}).status_code == 422
