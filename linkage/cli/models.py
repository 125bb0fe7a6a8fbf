"""`linkage models list|accept|show|restate`: which model versions exist, which one runs use, and a
version with the comparisons as the code states them today."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.table import Table

from linkage.cli.common import ModelsDirOpt, fail, out_console
from linkage.errors import ModelError
from linkage.model import accept, latest_accepted, list_versions, load_model, model_digest, save_version
from linkage.model.files import CARD_FILE
from linkage.model.restate import restated

models_app = typer.Typer(no_args_is_help=True, help="Model versions: list them, accept one, show a card.")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")


@models_app.command("list")
def list_cmd(models_dir: ModelsDirOpt = None) -> None:
    """Every version, oldest first; the one runs use by default is marked."""
    try:
        versions = list_versions(models_dir)
        default = latest_accepted(models_dir).meta.name if versions else None
    except ModelError:
        default = None
    t = Table("version", "status", "link", "review", "created", "derived from", "digest", "")
    for m in versions:
        t.add_row(
            m.meta.name,
            m.meta.status,
            str(m.meta.thresholds.link),
            str(m.meta.thresholds.review),
            m.meta.created[:19],
            m.meta.parent or "-",
            model_digest(m),
            "default" if m.meta.name == default else "",
        )
    out_console.print(t)


@models_app.command("accept")
def accept_cmd(
    name: str,
    by: Annotated[str, typer.Option("--by", help="who accepts it (kept with the model)")],
    models_dir: ModelsDirOpt = None,
) -> None:
    """Make a version the default of every run that names no model."""
    try:
        model = accept(name, by, models_dir)
    except ModelError as e:
        fail(str(e), 2)
    out_console.print(f"{model.meta.name} accepted by {model.meta.accepted_by}: runs without --model use it now")


@models_app.command("show")
def show_cmd(name: str, models_dir: ModelsDirOpt = None) -> None:
    """Print a version's card."""
    try:
        model = load_model(name, models_dir)
    except ModelError as e:
        fail(str(e), 2)
    assert model.path is not None
    out_console.print((model.path / CARD_FILE).read_text(), highlight=False, soft_wrap=True)


@models_app.command("restate")
def restate_cmd(
    base: str,
    name: str,
    note: Annotated[str, typer.Option("--note", help="why: kept in the new version's notes")] = "",
    measured: Annotated[str, typer.Option("--measured", help="figures measured with the restated version, and how")] = "",
    models_dir: ModelsDirOpt = None,
) -> None:
    """A candidate version from BASE with the comparisons as the code states them today: unchanged
    levels keep their trained parameters, new levels take the code's priors (accept it to use it)."""
    try:
        parent = load_model(base, models_dir)
        splink, changed = restated(parent.splink)
        if not changed:
            fail(f"{base}: its comparisons are stated as the code states them; nothing to restate", 2)
        kept = f"{', '.join(changed)}: the code's levels, trained parameters kept"
        said = f"{date.today().isoformat()}: restated from {base} ({kept}). {note}".strip()
        model = save_version(
            parent,
            name,
            by="",
            splink=splink,
            command=f"linkage models restate {base} {name}",
            notes=f"{parent.meta.notes} {said}".strip(),
            evaluation={"measured": measured or "not yet: the parent's figures were measured on the parent (see its card)"},
            accept_now=False,
            models_dir=models_dir,
        )
    except ModelError as e:
        fail(str(e), 2)
    out_console.print(
        f"{model.meta.name}: a candidate restating {', '.join(changed)}; `linkage models accept {name} --by NAME` to use it"
    )
