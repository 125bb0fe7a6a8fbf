"""`linkage` command line. Reads files and flags; the work is in `linkage.pipeline` and
`linkage.cases`."""
from __future__ import annotations

import typer

from linkage.cli import cases, models, persons, report, review, serve

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_show_locals=False,
                  help="Find the same person, child and family across IV-A, IV-D and IV-E program records.")
persons.register(app)
cases.register(app)
serve.register(app)
models.register(app)
review.register(app)
report.register(app)


def main() -> None:  # pragma: no cover - console entry
    app()


__all__ = ["app", "main"]
