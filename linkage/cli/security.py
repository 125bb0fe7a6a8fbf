"""`linkage keys add` (the service's API keys, stored hashed) and `linkage audit verify` (the audit
trail's hash chain, in a store or a service audit file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import duckdb
import typer

from linkage.cli.common import fail, out_console
from linkage.keysfile import ROLE_NAMES, KeysError, add_key
from linkage.store import verify_audit
from linkage.store.audit import verify_log

keys_app = typer.Typer(no_args_is_help=True, help="The service's API keys (kept hashed in the keys file).")
audit_app = typer.Typer(no_args_is_help=True, help="The audit trail of look-ups.")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(audit_app, name="audit")


@keys_app.command("add")
def keys_add(
    name: Annotated[str, typer.Option("--name", help="who the key is for: kept in the audit trail")],
    role: Annotated[str, typer.Option("--role", help=f"one of {', '.join(ROLE_NAMES)}")],
    keys: Annotated[Path, typer.Option("--keys", help="the keys file (created, readable by its owner only)")] = Path("keys.json"),
) -> None:
    """Make a new random key for NAME with ROLE; the file keeps only its hash, so the key is shown
    once, here: hand it to its holder now."""
    try:
        key = add_key(keys, name.strip(), role.strip().lower())
    except KeysError as e:
        fail(str(e), 2)
    out_console.print(f"key for {name} ({role}), shown only now:\n{key}", highlight=False, soft_wrap=True)


@audit_app.command("verify")
def audit_verify(
    db: Annotated[
        Path,
        typer.Option(
            "--db",
            help="a store (CLI look-ups), a service audit file, or the service's audit log (.log.jsonl, beside its audit file)",
        ),
    ] = Path("linkage.duckdb"),
) -> None:
    """Check that no audit row was changed, inserted or removed since it was written (exit 1 if one was)."""
    if not db.exists():
        fail(f"--db {db}: no such file", 2)
    if db.suffix == ".jsonl":
        _report(db, verify_log(db))
        return
    try:
        con = duckdb.connect(str(db), read_only=True)
    except duckdb.Error as e:
        fail(f"--db {db}: cannot be opened ({e}); is the service or a batch run holding it? stop it or copy the file", 2)
    try:
        check = verify_audit(con)
    except duckdb.Error as e:
        fail(f"--db {db}: has no audit trail to verify ({e})", 2)
    finally:
        con.close()
    _report(db, check)


def _report(db: Path, check) -> None:
    before = f"; {check.unchained:,} earlier rows predate the chain" if check.unchained else ""
    if not check.ok:
        out_console.print(
            f"audit trail of {db}: NOT intact: {check.problem} (chain of {check.rows:,} rows{before})",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1)
    out_console.print(
        f"audit trail of {db}: intact, {check.rows:,} rows{before}; head {check.head}", highlight=False, soft_wrap=True
    )
