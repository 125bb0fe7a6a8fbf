"""`linkage report`: a self-contained HTML page about the last complete run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from linkage.cli.common import DbOpt, fail, out_console, read_labels, read_store
from linkage.report import run_report


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)


def report_cmd(
    out: Annotated[Path, typer.Option("--out", help="the page (.html); it works offline")],
    db: DbOpt = Path("linkage.duckdb"),
    labels: Annotated[
        Path | None, typer.Option(help="truth file (record_id, label): adds precision and recall against it")
    ] = None,
) -> None:
    """Counts, cross-program overlap, match-weight histogram, review queue and evaluation of a run."""
    if out.suffix.lower() not in (".html", ".htm"):
        fail(f"--out {out}: use a .html file name", 2)
    truth = read_labels(labels) if labels else None
    page = read_store(db, lambda con: run_report(con, truth))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    out_console.print(f"report written to {out} ({len(page) / 1e6:.1f} MB, opens offline)", highlight=False)
