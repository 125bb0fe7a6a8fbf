import psutil
import pytest

from linkage.errors import StoreError
from linkage.store.connect import default_work_memory, work_connection


def _limit_bytes(con) -> float:
    """DuckDB shows the setting rounded, e.g. "5.8 GiB"."""
    value, unit = con.sql("SELECT current_setting('memory_limit')").fetchall()[0][0].split()
    return float(value) * {"MiB": 2**20, "GiB": 2**30, "MB": 1e6, "GB": 1e9}[unit]


def test_a_run_gets_a_quarter_of_the_machine_unless_told():
    quarter = psutil.virtual_memory().total / 4
    assert default_work_memory().endswith("MiB")
    assert 0.9 * min(quarter, 2**30) <= _limit_bytes(work_connection()) <= quarter * 1.01
    assert abs(_limit_bytes(work_connection("2GB")) - 2e9) < 0.11e9  # shown rounded to 0.1 GiB


def test_a_limit_duckdb_cannot_read_is_a_clear_error():
    with pytest.raises(StoreError, match="4GB or 6GiB"):
        work_connection("lots")
