"""The audit chain, in a DuckDB table and in the service's log: a changed, inserted or removed row
is found; a line cut off by a crash is dropped, not chained onto."""

from __future__ import annotations

from datetime import datetime

import duckdb

from linkage.store.audit import AUDIT_DDL, AuditLog, append_audit, copy_log, verify_audit, verify_log, write_audit


def _row(i: int) -> tuple:
    return (datetime(2026, 11, 27, 9, 0, i), "worker-ive", "ive", "placement review", f"person P{i}", [f"P{i}"])


def test_a_changed_inserted_or_removed_table_row_is_found(tmp_path):
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    con.execute(AUDIT_DDL)
    for i in range(5):
        write_audit(con, *_row(i)[1:])
    assert verify_audit(con).ok and verify_audit(con).rows == 5
    con.execute("UPDATE audit SET person_ids = ['P999'] WHERE seq = 3")
    assert verify_audit(con).broken_at == 3
    con.execute("DELETE FROM audit WHERE seq = 3")
    check = verify_audit(con)
    assert not check.ok and "row 3 is missing" in check.problem
    con.execute("INSERT INTO audit VALUES (now()::TIMESTAMP, 'x', 'ivd', 'p', 'a', ['P1'], 3, 'forged')")
    assert verify_audit(con).broken_at == 3


def test_rows_before_the_chain_are_counted_not_failed(tmp_path):
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute(
        "CREATE TABLE audit (logged_at TIMESTAMP, actor VARCHAR, role VARCHAR, purpose VARCHAR, action VARCHAR, "
        "person_ids VARCHAR[])"
    )
    con.execute("INSERT INTO audit VALUES (now()::TIMESTAMP, 'cli', 'cli', 'p', 'locate R1', ['P1'])")
    con.execute(AUDIT_DDL)  # an older store gets the chain's columns
    append_audit(con, [_row(1), _row(2)])
    check = verify_audit(con)
    assert check.ok and check.rows == 2 and check.unchained == 1


def test_the_log_verifies_copies_into_the_table_and_drops_a_torn_line(tmp_path):
    path = tmp_path / "service.audit.log.jsonl"
    log = AuditLog(path)
    log.append([_row(i) for i in range(3)])
    log.close()
    assert verify_log(path).ok and verify_log(path).rows == 3
    with open(path, "a") as f:
        f.write('{"seq": 4, "hash": "ab')  # the process died inside a write: that answer never left
    log = AuditLog(path)
    assert log.head[0] == 3
    log.append([_row(4)])
    log.close()
    assert verify_log(path).ok and verify_log(path).rows == 4
    con = duckdb.connect()
    con.execute(AUDIT_DDL)
    copied, offset = copy_log(con, path)
    assert copied == 4 and offset == path.stat().st_size
    assert copy_log(con, path) == (0, offset) and copy_log(con, path, offset) == (0, offset)  # only what the table lacks
    assert verify_audit(con).ok
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join([lines[0], lines[1].replace("placement review", "nothing"), *lines[2:]]))
    assert verify_log(path).broken_at == 2
