"""`--engine spark` for `linkage dedupe`: the same pipeline on Spark, Parquet datasets in and out."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

from rich.table import Table

from linkage.cases import CaseConfig
from linkage.cli.common import fail, out_console, print_blanked
from linkage.errors import InvalidInputError, LinkageError
from linkage.model import Thresholds, resolve_model
from linkage.model.file_rates import describe as describe_rates
from linkage.standardize.cut_surnames import summary_line
from linkage.standardize.default_dates import DefaultDates
from linkage.standardize.profile import FileProfile


def parse_conf(pairs: list[str] | None) -> tuple[tuple[str, str], ...]:
    out = []
    for item in pairs or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(f"--spark-conf {item!r}: use KEY=VALUE, e.g. spark.executor.memory=8g", 2)
        out.append((key.strip(), value.strip()))
    return tuple(out)


def dedupe_on_spark(
    records: list[Path],
    out: Path,
    quarantine: Path,
    *,
    model: str | None,
    models_dir: Path | None,
    link_threshold: float | None,
    review_threshold: float | None,
    master: str,
    partitions: int,
    conf: list[str] | None,
    referrals: CaseConfig | None = None,
    decisions: Path | None = None,
    previous: Path | None = None,
) -> None:
    """Persons (and with `referrals`, decisions) on Spark; `out` is the persons dataset."""
    if importlib.util.find_spec("pyspark") is None:
        fail("--engine spark needs the spark extra: pip install '.[spark]' (and Java 17)", 1)
    for path, what in ((out, "--out"), (quarantine, "--quarantine"), *(((decisions, "--out"),) if decisions else ())):
        if path.suffix.lower() != ".parquet":
            fail(f"{what} {path}: the Spark engine writes Parquet datasets (a directory of part files); use a .parquet name", 2)
    from linkage.spark import SparkConfig, link_spark

    started = time.perf_counter()
    try:
        base = resolve_model(model, models_dir).meta.thresholds
        thresholds = Thresholds(link=link_threshold or base.link, review=review_threshold or base.review)
        config = SparkConfig(
            master=master or None,
            partitions=partitions,
            conf=parse_conf(conf),
            model=model,
            models_dir=models_dir,
            thresholds=thresholds,
            previous=previous,
        )
        result = link_spark(records, out, quarantine, config, referrals=referrals, decisions_out=decisions)
    except InvalidInputError as e:
        fail(str(e), 2)
    except LinkageError as e:
        fail(str(e), 1)
    s = result.summary
    command = "referrals" if decisions else "dedupe"
    t = Table(title=f"linkage {command} --engine spark", show_header=False, title_justify="left")
    for label, key in (
        ("rows read", "rows_read"),
        ("  linked", "rows_linked"),
        ("  quarantined", "rows_quarantined"),
        ("persons", "persons"),
        ("  found in more than one program", "persons_multi_program"),
        ("candidate pairs compared", "candidate_pairs"),
        ("pairs at or above review", "pairs_at_review_or_above"),
        ("largest connected component (records)", "largest_component"),
    ):
        t.add_row(label, f"{s[key]:,}")
    t.add_row("file", FileProfile.from_dict(s.get("profile")).describe(False, can_train=False))
    t.add_row("fields blanked (record linked on the rest)", f"{sum(s['fields_blanked'].values()):,}")
    t.add_row("birth dates the file uses for unknown", DefaultDates.from_dict(s.get("default_dates")).describe())
    t.add_row("names read turned round (a surname in the first-name field)", f"{s.get('names_turned_round', 0):,}")
    t.add_row("surnames cut by a fixed-width field", summary_line(s))
    t.add_row(
        "wholly different values read from the file",
        describe_rates(resolve_model(model, models_dir).splink, s.get("file_rates") or {}),
    )
    t.add_row("model", f"{s['model']} (link >= {s['thresholds']['link']}, review >= {s['thresholds']['review']})")
    t.add_row("time", f"{time.perf_counter() - started:.1f} s")
    if decisions:
        t.add_row("decisions dataset", str(decisions))
    t.add_row("persons dataset", str(out))
    t.add_row(
        "person events",
        f"{out.with_name(out.stem + '.events.parquet')} (ids kept from --previous: "
        f"{s.get('ids_kept', 0):,}, new: {s.get('ids_new', 0):,})",
    )
    t.add_row("quarantine dataset", str(quarantine))
    t.add_row("store", "not written (the Spark engine's result is its Parquet output)")
    out_console.print(t)
    print_blanked(s)
