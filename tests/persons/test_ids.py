from collections import Counter, defaultdict

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from linkage.persons import assign_person_ids, format_person_id


def test_first_run_numbers_clusters_in_record_order():
    a = assign_person_ids(["r1", "r2", "r3"], np.array([0, 0, 2]), {}, 1)
    assert a.person_ids.to_list() == ["P000000001", "P000000001", "P000000002"]
    assert (a.next_seq, a.kept, a.new, a.events) == (3, 0, 2, [])


def test_rerun_keeps_ids_and_new_records_join_or_get_new_ids():
    prev = {"r1": "P000000007", "r2": "P000000007", "r3": "P000000009"}
    a = assign_person_ids(["r1", "r2", "r3", "r4", "r5"], np.array([0, 0, 2, 2, 4]), prev, 10)
    assert a.person_ids.to_list() == ["P000000007", "P000000007", "P000000009", "P000000009", "P000000010"]
    assert a.events == [] and a.kept == 2 and a.new == 1


def test_merge_keeps_the_bigger_id_and_is_reported():
    prev = {"r1": "P1", "r2": "P1", "r3": "P2"}
    a = assign_person_ids(["r1", "r2", "r3"], np.array([0, 0, 0]), prev, 5)
    assert set(a.person_ids.to_list()) == {"P1"}
    assert [(e.kind, e.person_id, e.other_ids) for e in a.events] == [("merge", "P1", ("P2",))]


def test_split_keeps_the_id_on_the_bigger_part_and_is_reported():
    prev = {"r1": "P1", "r2": "P1", "r3": "P1"}
    a = assign_person_ids(["r1", "r2", "r3"], np.array([0, 0, 2]), prev, 5)
    assert a.person_ids.to_list() == ["P1", "P1", format_person_id(5)]
    assert [(e.kind, e.person_id) for e in a.events] == [("split", "P1")]


def _reference(record_ids, labels, previous, next_seq):
    """The rule in plain Python, one record at a time (the first implementation)."""
    clusters = defaultdict(list)
    for i, label in enumerate(labels):
        clusters[label].append(i)
    overlap = sorted(
        (-n, old, label)
        for label, idx in clusters.items()
        for old, n in Counter(previous[record_ids[i]] for i in idx if record_ids[i] in previous).items()
    )
    chosen, used = {}, set()
    for _, old, label in overlap:
        if label not in chosen and old not in used:
            chosen[label], used = old, used | {old}
    for label in sorted(clusters, key=lambda lb: min(clusters[lb])):
        if label not in chosen:
            chosen[label], next_seq = format_person_id(next_seq), next_seq + 1
    return [chosen[lb] for lb in labels], next_seq


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 6), min_size=1, max_size=30), st.data())
def test_ids_follow_the_rule_on_any_clustering(labels, data):
    record_ids = [f"r{i}" for i in range(len(labels))]
    old = data.draw(
        st.lists(st.one_of(st.none(), st.sampled_from(["P1", "P2", "P3", "P4"])), min_size=len(labels), max_size=len(labels))
    )
    previous = {r: o for r, o in zip(record_ids, old) if o is not None}
    expected, seq = _reference(record_ids, labels, previous, 100)
    for prev in (
        previous,
        pl.DataFrame(
            {"record_id": list(previous), "person_id": list(previous.values())},
            schema={"record_id": pl.String, "person_id": pl.String},
        ),
    ):
        a = assign_person_ids(record_ids, np.array(labels), prev, 100)
        assert a.person_ids.to_list() == expected and a.next_seq == seq
