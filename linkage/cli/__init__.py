"""`linkage` command line. Reads files and flags; the work is in `linkage.pipeline` and
`linkage.cases`."""

from __future__ import annotations

import os

# Polars' allocator (jemalloc) keeps freed pages for ten seconds by default. A run alternates polars
# and DuckDB stages, so pages polars has freed would still count while DuckDB blocks and scores (a
# polars-only test here: 1 GB freed came back to the system within a second with this setting, not
# at all without). jemalloc reads this when polars first allocates, so it is set before anything
# imports polars; an operator's own setting wins.
os.environ.setdefault("_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0")

import typer  # noqa: E402

from linkage.cli import cases, models, persons, report, review, security, serve  # noqa: E402

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Find the same person, child and family across IV-A, IV-D and IV-E program records.",
)
persons.register(app)
cases.register(app)
serve.register(app)
models.register(app)
review.register(app)
report.register(app)
security.register(app)


def main() -> None:  # pragma: no cover - console entry
    app()


__all__ = ["app", "main"]
