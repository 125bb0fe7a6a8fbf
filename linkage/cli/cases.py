"""`linkage referrals`, `linkage reports`, `linkage locate` and `linkage worklist`: the case questions,
on persons."""

from __future__ import annotations

import dataclasses
import getpass
import json
import time
from datetime import date
from pathlib import Path
from typing import Annotated

import polars as pl
import typer
from rich.table import Table

from linkage.cases import CaseConfig, check_referrals
from linkage.cases.duplicates import duplicate_cases
from linkage.cases.feedback import tanf_feedback
from linkage.cases.locate import LocateAnswer, Located, locate_father
from linkage.cases.members import MEMBER_COLUMNS
from linkage.cases.misdirected import misdirected_support
from linkage.cases.money import parents_to_refer, support_return, tanf_in_care
from linkage.cases.worklist import WORKLIST_COLUMNS
from linkage.cases.worklist import worklist as placement_worklist
from linkage.cli.common import (
    PERSONS_FILE_COLUMNS,
    DbOpt,
    ModelOpt,
    ModelsDirOpt,
    RecordsArg,
    WorkDirOpt,
    check_memory_limit,
    check_output,
    check_thresholds,
    exit_on_alarm,
    fail,
    link_and_publish,
    out_console,
    print_run_summary,
    read_store,
    write_table,
)
from linkage.cli.spark_engine import dedupe_on_spark
from linkage.errors import LinkageError
from linkage.pipeline import LinkConfig
from linkage.store import load_current, store_connection, write_audit

REPORTS = ("duplicate_cases", "misdirected_support", "tanf_feedback", "support_return", "tanf_in_care", "parents_to_refer")


def register(app: typer.Typer) -> None:
    app.command()(referrals)
    app.command()(reports)
    app.command()(locate)
    app.command()(worklist)


def referrals(
    records: RecordsArg,
    out: Annotated[Path, typer.Option("--out", help="decisions file, one row per IV-A / IV-E case (.csv or .parquet)")],
    db: DbOpt = Path("linkage.duckdb"),
    model: ModelOpt = None,
    models_dir: ModelsDirOpt = None,
    quarantine: Annotated[Path | None, typer.Option(help="quarantine file (default: next to --out)")] = None,
    link_threshold: Annotated[float | None, typer.Option(help="override the model's link threshold")] = None,
    review_threshold: Annotated[float | None, typer.Option(help="override the model's review threshold")] = None,
    existing_at: Annotated[float, typer.Option(help="family score for existing_case")] = CaseConfig.existing,
    review_at: Annotated[float, typer.Option(help="family score for review")] = CaseConfig.review,
    memory_limit: Annotated[
        str | None, typer.Option(help="DuckDB memory limit for the run, e.g. 4GB (default: a quarter of this machine's memory)")
    ] = None,
    work_dir: WorkDirOpt = None,
    reports_dir: Annotated[
        Path | None,
        typer.Option(
            "--reports",
            help="also write the case reports (duplicate cases, misdirected support, TANF feedback, "
            "support to return, TANF during care, parents to refer) here",
        ),
    ] = None,
    persons: Annotated[Path | None, typer.Option(help="also write the persons file (record_id, person_id, ...)")] = None,
    engine: Annotated[str, typer.Option(help="duckdb (one machine, writes the store) or spark (Parquet datasets)")] = "duckdb",
    spark_master: Annotated[str, typer.Option(help="--engine spark: master URL; empty when spark-submit sets it")] = "local[2]",
    spark_partitions: Annotated[int, typer.Option(min=1, help="--engine spark: shuffle partitions")] = 8,
    spark_conf: Annotated[list[str] | None, typer.Option(help="--engine spark: KEY=VALUE setting (repeatable)")] = None,
    fail_on_alarm: Annotated[
        bool, typer.Option(help="exit 3 (after publishing) when a figure moved beyond its bound since the previous run")
    ] = False,
) -> None:
    """Decide for every IV-A and IV-E case whether the family already has an open IV-D case."""
    started = time.perf_counter()
    check_output(out, "--out")
    quarantine = quarantine or out.with_name(f"{out.stem}.quarantine{out.suffix}")
    check_output(quarantine, "--quarantine")
    if persons:
        check_output(persons, "--persons")
    check_memory_limit(memory_limit)
    check_thresholds(
        link_threshold=link_threshold, review_threshold=review_threshold, existing_at=existing_at, review_at=review_at
    )
    if review_at > existing_at:
        fail(f"--review-at {review_at} is above --existing-at {existing_at}", 2)
    if engine not in ("duckdb", "spark"):
        fail(f"--engine {engine}: use duckdb or spark", 2)
    if engine == "spark":
        if reports_dir:
            fail("--reports run on the DuckDB engine (the Spark engine writes decisions and persons)", 2)
        dedupe_on_spark(
            records,
            persons or out.with_name(f"{out.stem}.persons{out.suffix}"),
            quarantine,
            model=model,
            models_dir=models_dir,
            link_threshold=link_threshold,
            review_threshold=review_threshold,
            master=spark_master,
            partitions=spark_partitions,
            conf=spark_conf,
            referrals=CaseConfig(existing=existing_at, review=review_at),
            decisions=out,
        )
        return
    config = LinkConfig(
        model=model,
        models_dir=models_dir,
        link_threshold=link_threshold,
        review_threshold=review_threshold,
        memory_limit=memory_limit,
        work_dir=work_dir,
    )
    result, summary, run_id = link_and_publish(records, config, db)
    decisions = check_referrals(
        result.records, result.pairs, CaseConfig(existing=existing_at, review=review_at, link_threshold=result.thresholds.link)
    )
    write_table(decisions, out)
    write_table(result.quarantine, quarantine)
    outputs = {"decisions file": out}
    if persons:
        write_table(result.records.select(*PERSONS_FILE_COLUMNS), persons)
        outputs["persons file"] = persons
    print_run_summary("referrals", result, summary, outputs, quarantine, db, run_id, time.perf_counter() - started)
    _print_decisions(decisions)
    if reports_dir:
        _write_reports(result.records, result.pairs, result.thresholds.link, reports_dir, out.suffix)
    exit_on_alarm(summary, fail_on_alarm)


def reports(
    db: DbOpt = Path("linkage.duckdb"),
    out_dir: Annotated[Path, typer.Option("--out-dir", help="where the report files go")] = Path("reports"),
    fmt: Annotated[str, typer.Option("--format", help="csv or parquet")] = "csv",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="the day placements and grants are read on, YYYY-MM-DD (default: today)")
    ] = None,
) -> None:
    """Duplicate IV-D cases, misdirected support, TANF feedback, and the money checks around children in
    care (support to return, TANF during care, parents to refer) from the store's last run."""
    if fmt not in ("csv", "parquet"):
        fail(f"--format {fmt}: use csv or parquet", 2)
    day = _day(as_of)
    current = read_store(db, load_current)
    _write_reports(current.records, current.pairs, current.link_threshold, out_dir, f".{fmt}", day)


def _day(as_of: str | None) -> date:
    try:
        return date.fromisoformat(as_of) if as_of else date.today()
    except ValueError:
        fail(f"--as-of {as_of!r}: give a date as YYYY-MM-DD", 2)


def locate(
    record_id: Annotated[str, typer.Argument(help="a child's record_id")],
    purpose: Annotated[str, typer.Option("--purpose", help="why: recorded in the audit trail (required)")],
    db: DbOpt = Path("linkage.duckdb"),
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of text")] = False,
) -> None:
    """Fathers of a child: paternity, last known addresses by program, relatives. FVI withholds location."""
    if not purpose.strip():
        fail("--purpose must say why the father is being located (it is audited)", 2)
    try:
        con = store_connection(db)
        current = load_current(con, columns=MEMBER_COLUMNS, with_pairs=False)
        answer = locate_father(current.records, record_id)
        write_audit(con, getpass.getuser(), "cli", purpose.strip(), f"locate {record_id}", answer.person_ids())
        con.close()
    except LinkageError as e:
        fail(str(e), 1)
    if as_json:
        out_console.print_json(json.dumps(dataclasses.asdict(answer), default=str))
    else:
        out_console.print("\n".join(locate_lines(answer)), highlight=False, soft_wrap=True)


def worklist(
    out: Annotated[Path, typer.Option("--out", help="the worklist (.csv or .parquet)")],
    db: DbOpt = Path("linkage.duckdb"),
    as_of: Annotated[str | None, typer.Option("--as-of", help="the day to count from, YYYY-MM-DD (default: today)")] = None,
) -> None:
    """Children in an open placement by their 12-month permanency date, with each named father: identified,
    located, paternity and its conflicts, relatives, IV-D case. No address leaves: only whether one is known
    and releasable."""
    check_output(out, "--out")
    if not db.exists():
        fail(f"--db {db}: no such store (run `linkage dedupe ... --db {db}` first)", 1)
    day = _day(as_of)
    try:
        con = store_connection(db)
        current = load_current(con, columns=WORKLIST_COLUMNS, with_pairs=False)
        rows = placement_worklist(current.records, day)
        write_audit(
            con,
            getpass.getuser(),
            "cli",
            "placement worklist",
            f"worklist as of {day}",
            rows["child_person_id"].unique().sort().to_list(),
        )
        con.close()
    except LinkageError as e:
        fail(str(e), 1)
    write_table(rows, out)
    children = rows["child_person_id"].n_unique()
    no_father = rows.filter(~pl.col("father_identified")).select("child_person_id").unique().height
    due = rows.filter(pl.col("days_to_permanency") < 90).select("child_person_id").unique().height
    out_console.print(
        f"{children:,} children in an open placement on {day}; {due:,} within 90 days of or past "
        f"their permanency date; {no_father:,} without an identified father -> {out}",
        highlight=False,
    )


def _write_reports(
    records: pl.DataFrame, pairs: pl.DataFrame, link_threshold: float, out_dir: Path, suffix: str, day: date | None = None
) -> None:
    config = CaseConfig(link_threshold=link_threshold)
    day = day or date.today()
    frames = {
        "duplicate_cases": duplicate_cases(records, pairs, config),
        "misdirected_support": misdirected_support(records, pairs, config),
        "tanf_feedback": tanf_feedback(records),
        "support_return": support_return(records, day),
        "tanf_in_care": tanf_in_care(records, day),
        "parents_to_refer": parents_to_refer(records, day),
    }
    for name, df in frames.items():
        write_table(df, out_dir / f"{name}{suffix}")
    fb = frames["tanf_feedback"]
    with_case = fb.filter(pl.col("has_ivd_case"))
    lines = [
        f"duplicate IV-D cases: {frames['duplicate_cases'].height:,} pairs to merge -> {out_dir / ('duplicate_cases' + suffix)}",
        f"misdirected support: {frames['misdirected_support']['child_record_id'].n_unique():,} children in foster care whose "
        f"IV-D case still pays a CP -> {out_dir / ('misdirected_support' + suffix)}",
        f"TANF feedback: {fb['child_record_id'].n_unique():,} IV-A children, {with_case['child_record_id'].n_unique():,} "
        f"with an IV-D case -> {out_dir / ('tanf_feedback' + suffix)}",
        f"support to return: {frames['support_return']['child_person_id'].n_unique():,} children home from foster care "
        f"whose IV-D case pays a CP -> {out_dir / ('support_return' + suffix)}",
        f"TANF during care: {frames['tanf_in_care']['child_person_id'].n_unique():,} children in foster care counted in "
        f"an open TANF grant on {day} -> {out_dir / ('tanf_in_care' + suffix)}",
        f"parents to refer: {frames['parents_to_refer'].filter(pl.col('ivd_case_ids_as_ncp') == '').height:,} parents of "
        f"children in care owe in no IV-D case -> {out_dir / ('parents_to_refer' + suffix)}",
    ]
    out_console.print("\n".join(lines), highlight=False, soft_wrap=True)


def _print_decisions(decisions: pl.DataFrame) -> None:
    t = Table(title="referral decisions", title_justify="left")
    t.add_column("decision")
    for src in ("IV-A", "IV-E"):
        t.add_column(src, justify="right")
    counts = decisions.group_by("decision", "source_system").len()
    for decision in ("existing_case", "review", "new_case"):
        row = [decision]
        for src in ("IV-A", "IV-E"):
            n = counts.filter((pl.col("decision") == decision) & (pl.col("source_system") == src))["len"].sum()
            row.append(f"{n:,}")
        t.add_row(*row)
    out_console.print(t)
    also = decisions.filter(pl.col("other_ivd_case_ids").is_not_null()).height
    if also:
        out_console.print(
            f"  {also:,} referrals match more than one open IV-D case of the family (one per father, "
            "or duplicates): see other_ivd_case_ids"
        )


def locate_lines(answer: LocateAnswer) -> list[str]:
    """The answer as a caseworker reads it."""
    lines = [f"child {answer.child.name} ({answer.child.person_id}): " + _cases(answer.child)]
    if answer.note:
        lines.append(answer.note)
    for f in answer.fathers:
        lines.append(f"father {f.person.name} ({f.person.person_id}), paternity {f.paternity_status or 'not recorded'}")
        lines.append(f"  cases: {_cases(f.person)}")
        lines += [f"  {line}" for line in _where(f.person)]
        for r in f.relatives:
            lines.append(f"  relative: {r.person.name} ({r.person.person_id}), {r.relationship}")
            lines += [f"    {line}" for line in _where(r.person)]
    return lines


def _cases(p: Located) -> str:
    return "; ".join(f"{c.source_system} case {c.case_id} {c.role} {c.case_status}" for c in p.cases)


def _where(p: Located) -> list[str]:
    if p.location_withheld:
        return [f"address {p.location_withheld}"]
    if not p.addresses:
        return ["address: none known"]
    return [
        f"address: {', '.join(x for x in (a.street, a.city, a.state, a.zip) if x)} (from {'; '.join(a.sources)})"
        for a in p.addresses
    ]
