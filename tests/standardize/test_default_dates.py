import random
from datetime import date, timedelta

import polars as pl

from linkage import columns as C
from linkage.ingest import validate
from linkage.persons import RecordFacts
from linkage.persons.constraints import CLUSTER_COLUMNS, conflict
from linkage.standardize import standardize
from linkage.standardize.default_dates import UNKNOWN, YEAR_ONLY, DefaultDates
from linkage.standardize.one import standardize_one
from tests.conftest import person, records_frame


def births(n: int, seed: int = 5) -> list[str]:
    rng = random.Random(seed)
    return [(date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).strftime("%Y%m%d") for _ in range(n)]


def test_a_day_far_more_common_than_the_others_is_year_only_and_a_spike_in_one_year_is_unknown():
    """Found from the file: this county types 07-01 when only the year is known and 1901-01-01 when
    nothing is. Ordinary birthdays, even a busy one, are read as dates."""
    dates = births(6000) + [f"{y}0701" for y in range(1950, 2010)] + ["19010101"] * 25 + ["19830412"] * 6
    found = DefaultDates.find(pl.Series(dates))
    assert found.year_only == {"0701"}
    assert found.unknown == {"19010101"}


def test_a_busy_recent_year_is_not_a_default():
    """Children's records crowd the recent years: a day of 2020 holds eighty records where a day of
    1960 holds two. Against the other days of its own year, no 2020 date stands out."""
    rng = random.Random(3)
    busy = [(date(2020, 1, 1) + timedelta(days=rng.randrange(366))).strftime("%Y%m%d") for _ in range(30000)]
    assert not DefaultDates.find(pl.Series(births(3000) + busy)).unknown


def test_a_small_file_has_no_defaults_by_chance():
    assert not DefaultDates.find(pl.Series(births(300) + ["20150101"] * 3))
    assert not DefaultDates.find(pl.Series([], dtype=pl.String))


def standardized(rows: list[dict]) -> pl.DataFrame:
    return standardize(validate(records_frame(rows)).records)


def test_year_only_keeps_the_year_unknown_keeps_nothing_and_each_is_counted_without_the_date():
    df = standardized(
        [
            person("R1", "ANA", "RUIZ", dob="2015-01-01"),
            person("R2", "LUIS", "RUIZ", dob="1900-01-01"),
            person("R3", "EVA", "RUIZ", dob="2015-06-30"),
        ]
    )
    defaults = DefaultDates(year_only=frozenset({"0101"}), unknown=frozenset({"19000101"}))
    out, blanked = defaults.apply(df)
    rows = {r[C.RECORD_ID]: r for r in out.iter_rows(named=True)}
    assert (rows["R1"][C.DOB_STR], rows["R1"][C.DOB_YEAR], rows["R1"][C.DOB_MD]) == (None, 2015, None)
    assert (rows["R2"][C.DOB_STR], rows["R2"][C.DOB_YEAR]) == (None, None)
    assert (rows["R3"][C.DOB_STR], rows["R3"][C.DOB_YEAR]) == ("20150630", 2015)
    assert dict(zip(blanked[C.RECORD_ID], blanked[C.QUARANTINE_REASON])) == {"R1": YEAR_ONLY, "R2": UNKNOWN}
    assert not any(d in reason for reason in blanked[C.QUARANTINE_REASON] for d in ("2015", "1900"))
    # the service reads one record the same way
    one = defaults.apply_one(standardize_one(person("Q", "ANA", "RUIZ", dob="01/01/2015")))
    assert (one[C.DOB_STR], one[C.DOB_YEAR]) == (None, 2015)


def test_two_children_entered_on_a_default_day_are_not_twins_by_it():
    """Without the reading, ANA and LUIS "born" on 2015-01-01 (year only) are twins: never one
    person, whatever else agrees. Read for what it says, the date decides nothing either way."""
    df = standardized(
        [
            person("R1", "ANA", "RUIZ", case="D1", role="CH", dob="2015-01-01"),
            person("R2", "LUIS", "RUIZ", case="A1", system="IV-A", role="CH", dob="2015-01-01"),
        ]
    )
    read, _ = DefaultDates(year_only=frozenset({"0101"})).apply(df)
    assert conflict(RecordFacts.from_frame(df.select(CLUSTER_COLUMNS)), 0, 1) is not None
    assert conflict(RecordFacts.from_frame(read.select(CLUSTER_COLUMNS)), 0, 1) is None


def test_a_run_reads_its_own_defaults_counts_them_and_keeps_them_for_the_service(tmp_path):
    """Every record still linked, each default counted as a field read in part, the values in the
    summary (the service reads queries with them)."""
    from linkage.pipeline import LinkConfig, link

    dates = births(400, seed=9)
    rows = [person(f"R{i}", f"NAME{i}", "DIAZ", case=f"D{i}", dob=f"{d[:4]}-{d[4:6]}-{d[6:]}") for i, d in enumerate(dates)]
    rows += [person(f"Y{i}", f"YEAR{i}", "SOTO", case=f"Y{i}", dob=f"{1960 + i}-01-01") for i in range(30)]
    path = tmp_path / "records.csv"
    records_frame(rows).write_csv(path)
    result = link([path], LinkConfig())
    summary = result.summary()
    assert summary["default_dates"] == {"year_only": ["0101"], "unknown": []}
    assert summary["rows_linked"] == len(rows) and summary["fields_blanked"][YEAR_ONLY] >= 30
    year_only = result.records.filter(pl.col(C.RECORD_ID) == "Y3")
    assert year_only[C.DOB_STR].to_list() == [None] and year_only[C.DOB_YEAR].to_list() == [1963]
