"""The on-demand index built from a store."""

from __future__ import annotations

import shutil

import numpy as np

from linkage import columns as C
from linkage.model import resolve_model
from linkage.store import load_current, store_connection
from service.index import INDEX_COLUMNS, PersonIndex


def _index(db) -> PersonIndex:
    con = store_connection(db, read_only=True)
    try:
        current = load_current(con, columns=INDEX_COLUMNS, with_pairs=False)
    finally:
        con.close()
    return PersonIndex.build(current, resolve_model(None))


def test_a_store_written_by_an_earlier_version_gives_the_same_candidates_and_scores(store, tmp_path):
    old = tmp_path / "old.duckdb"
    shutil.copy(store, old)
    con = store_connection(old)
    con.execute(
        f"ALTER TABLE records DROP COLUMN {C.ZIP3}; ALTER TABLE records DROP COLUMN {C.HOUSE}; "
        f"ALTER TABLE records DROP COLUMN {C.SN_CANON}"
    )
    con.close()
    new_index, old_index = _index(store), _index(old)
    assert old_index.records[C.SN_CANON].equals(new_index.records[C.SN_CANON])  # derived as standardized
    rows = new_index.records.head(300).to_dicts()
    found = 0
    for row in rows:
        a = new_index.keys.candidates(row, indexed=True)
        b = old_index.keys.candidates(old_index.records.row(row[C.UID], named=True), indexed=True)
        assert np.array_equal(a, b), row[C.RECORD_ID]
        found += len(a) > 1
    assert found > 100  # the records do have candidates: the comparison is not of empty sets


def test_a_query_date_is_read_as_the_run_read_its_input(store, tmp_path):
    """A store whose run found 01-01 to stand for an unknown day: a query "born" 2015-01-01 is read as
    2015 only, as the run read the same date in its input (a store without the finding: as given)."""
    import json

    marked = tmp_path / "marked.duckdb"
    shutil.copy(store, marked)
    con = store_connection(marked)
    run_id, summary = con.execute(
        "SELECT run_id, summary FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    found = {**json.loads(summary), "default_dates": {"year_only": ["0101"], "unknown": ["19000101"]}}
    con.execute("UPDATE runs SET summary = ? WHERE run_id = ?", [json.dumps(found), run_id])
    con.close()
    query = {C.FIRST_NAME: "ANA", C.LAST_NAME: "RUIZ", C.DOB: "2015-01-01"}
    read = _index(marked).standardize(query)
    assert (read[C.DOB_STR], read[C.DOB_YEAR]) == (None, 2015)
    assert _index(marked).standardize({**query, C.DOB: "1900-01-01"})[C.DOB_YEAR] is None
    assert _index(store).standardize(query)[C.DOB_STR] == "20150101"


def test_a_query_typed_turned_round_is_read_as_the_run_read_its_input(store):
    """A surname in the first-name field and a first name in the surname field, by the words of the
    records served: read the right way round, as the batch reads its input; a name typed the right
    way round, and one of words the records do not use, as given."""
    index = _index(store)
    surname, first = min(index.name_order.surnames), min(index.name_order.first_names)
    read = index.standardize({C.FIRST_NAME: surname.title(), C.LAST_NAME: first})
    assert (read[C.FN], read[C.SN], read[C.SN_TOKENS]) == (first, surname, [surname])
    assert index.standardize({C.FIRST_NAME: first, C.LAST_NAME: surname})[C.FN] == first
    assert index.standardize({C.FIRST_NAME: "QWERTZ", C.LAST_NAME: first})[C.FN] == "QWERTZ"


def test_the_service_scores_with_the_model_as_the_run_read_its_file(store, tmp_path):
    """A run that read its SSNs as wholly wrong on one record in eight: the service's scores carry
    the same lighter penalty for two different SSNs as the batch's."""
    import json

    marked = tmp_path / "rates.duckdb"
    shutil.copy(store, marked)
    con = store_connection(marked)
    run_id, summary = con.execute(
        "SELECT run_id, summary FROM runs WHERE status = 'complete' ORDER BY run_id DESC LIMIT 1"
    ).fetchall()[0]
    found = {**json.loads(summary), "file_rates": {"ssn": {"anchors": 800, "different": 100}}}
    con.execute("UPDATE runs SET summary = ? WHERE run_id = ?", [json.dumps(found), run_id])
    con.close()
    plain, read = _index(store), _index(marked)
    a, b = plain.records.head(2).iter_rows(named=True)
    a, b = {**a, C.SSN_STD: "123456789"}, {**b, C.SSN_STD: "987654321"}
    ssn = lambda index: next(e.weight for e in index.scorer.explain(a, b) if e.comparison == "ssn")  # noqa: E731
    assert ssn(read) > ssn(plain) + 2  # log2(0.125) against the model's own rate
