import numpy as np

from linkage.persons import assign_person_ids, format_person_id


def test_first_run_numbers_clusters_in_record_order():
    a = assign_person_ids(["r1", "r2", "r3"], np.array([0, 0, 2]), {}, 1)
    assert a.person_ids == ["P000000001", "P000000001", "P000000002"]
    assert (a.next_seq, a.kept, a.new, a.events) == (3, 0, 2, [])


def test_rerun_keeps_ids_and_new_records_join_or_get_new_ids():
    prev = {"r1": "P000000007", "r2": "P000000007", "r3": "P000000009"}
    a = assign_person_ids(["r1", "r2", "r3", "r4", "r5"], np.array([0, 0, 2, 2, 4]), prev, 10)
    assert a.person_ids == ["P000000007", "P000000007", "P000000009", "P000000009", "P000000010"]
    assert a.events == [] and a.kept == 2 and a.new == 1


def test_merge_keeps_the_bigger_id_and_is_reported():
    prev = {"r1": "P1", "r2": "P1", "r3": "P2"}
    a = assign_person_ids(["r1", "r2", "r3"], np.array([0, 0, 0]), prev, 5)
    assert set(a.person_ids) == {"P1"}
    assert [(e.kind, e.person_id, e.other_ids) for e in a.events] == [("merge", "P1", ("P2",))]


def test_split_keeps_the_id_on_the_bigger_part_and_is_reported():
    prev = {"r1": "P1", "r2": "P1", "r3": "P1"}
    a = assign_person_ids(["r1", "r2", "r3"], np.array([0, 0, 2]), prev, 5)
    assert a.person_ids == ["P1", "P1", format_person_id(5)]
    assert [(e.kind, e.person_id) for e in a.events] == [("split", "P1")]
