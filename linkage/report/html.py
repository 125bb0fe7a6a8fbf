"""`linkage report`: one self-contained HTML page about a run, readable offline.

Counts that reconcile (rows read = linked + quarantined), how persons spread over the programs, where
the scored pairs fall against the thresholds, the review queue, and accuracy against whatever labels
exist. Only counts and scores: no name, SSN, date of birth or address is put on the page.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import datetime, timezone

import duckdb
import polars as pl

from linkage import columns as C
from linkage.charts import (
    bar_chart,
    embed_html,
    interval_chart,
    libraries_html,
    threshold_curve_chart,
    weight_histogram,
    weight_of,
)
from linkage.errors import StoreError
from linkage.evaluate import score_clusters
from linkage.persons import FITS_TWO
from linkage.review.accuracy import estimate
from linkage.review.accuracy import notes as describe
from linkage.review.estimates import from_review, from_truth, threshold_curve
from linkage.standardize.profile import FileProfile
from linkage.store import load_current
from linkage.store.review import latest_sample, queue_size, read_labels

STYLE = """body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#1b1b1b;padding:0 1rem}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5rem 0}td,th{padding:.2rem .8rem;text-align:left;border-bottom:1px solid #eee}
td.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0}figcaption{font-weight:600}
.note{color:#555;font-size:.9rem}"""


def _profile(summary: dict) -> str:
    profile = summary.get("profile") or {}
    return FileProfile.from_dict(profile).describe(bool(profile.get("trained_on_file")))


def run_report(con: duckdb.DuckDBPyConnection, truth: pl.DataFrame | None = None) -> str:
    """The page for the last complete run in the store."""
    current = load_current(con, (C.RECORD_ID, C.PERSON_ID, C.SOURCE_SYSTEM))
    run = _run_row(con, current.run_id)
    s = json.loads(run["summary"] or "{}")
    t = s.get("thresholds", {"link": current.link_threshold, "review": 0.5})
    labels = read_labels(con)
    quarantine = con.execute(
        "SELECT reason, count(*) FROM quarantine WHERE run_id = ? GROUP BY 1 ORDER BY 2 DESC, 1", [current.run_id]
    ).fetchall()
    blanked = s.get("fields_blanked") or {}
    parts = [
        f"<h1>Linkage run {current.run_id}</h1>",
        f'<p class="note">{html.escape(run["command"] or "")}<br>finished {run["finished_at"]:%Y-%m-%d %H:%M} UTC; '
        f"model {html.escape(str(s.get('model')))} [{html.escape(str(s.get('model_digest', '-')))}], link at match "
        f"probability &ge; {t['link']}, review from {t['review']}; page made "
        f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC<br>file: {html.escape(_profile(s))}</p>",
        "<h2>Counts</h2>",
        _table(
            [
                ("rows read", run["rows_read"]),
                ("&nbsp;&nbsp;linked", run["rows_linked"]),
                ("&nbsp;&nbsp;quarantined", run["rows_quarantined"]),
                ("persons", run["persons"]),
                ("&nbsp;&nbsp;found in more than one program", run["persons_multi_program"]),
                ("candidate pairs compared", s.get("candidate_pairs")),
                ("pairs at or above review", s.get("pairs_at_review_or_above")),
                (
                    "links refused by never-merge rules",
                    sum(n for k, n in (s.get("links_refused_by_rules") or {}).items() if k != FITS_TWO),
                ),
                ("links not taken: record fits two people of one case", (s.get("links_refused_by_rules") or {}).get(FITS_TWO, 0)),
                ("merges / splits since the last run", f"{s.get('merges', 0):,} / {s.get('splits', 0):,}"),
            ]
        ),
        *([_table([(html.escape(r), n) for r, n in quarantine], "quarantined rows by reason")] if quarantine else []),
        *(
            [
                _table(
                    [(html.escape(r), n) for r, n in sorted(blanked.items(), key=lambda kv: -kv[1])],
                    "fields blanked by reason (the record linked on its other fields)",
                )
            ]
            if blanked
            else []
        ),
        "<h2>Against the previous run</h2>",
        (
            "<ul>" + "".join(f"<li>{html.escape(a)}</li>" for a in s["alarms"]) + "</ul>"
            if s.get("alarms")
            else '<p class="note">No figure moved beyond its bound'
            + ("" if "quality" in s else " (no figures kept for this run)")
            + ".</p>"
        ),
        "<h2>Persons across programs</h2>",
        embed_html(bar_chart(_overlap(current.records), "programs", "persons"), "Persons by the programs they are known in"),
        "<h2>Scored pairs</h2>",
        embed_html(
            weight_histogram(current.pairs, weight_of(t["link"]), weight_of(t["review"])),
            "Match weights of the pairs kept (dashed: link and review thresholds)",
        ),
        "<h2>Clerical review</h2>",
        _table(
            [
                ("undecided pairs in the queue", queue_size(con)),
                ("decided pairs", labels.height),
                *[(f"&nbsp;&nbsp;{html.escape(d)}", n) for d, n in labels.group_by("decision").len().sort("decision").rows()],
            ]
        ),
        "<h2>Accuracy from the clerical sample</h2>",
        *_sample(con, current.run_id),
        "<h2>Evaluation</h2>",
        *_evaluation(current, labels, truth),
    ]
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Linkage run {current.run_id}</title>'
        f"<style>{STYLE}</style>{libraries_html()}</head><body>{''.join(parts)}</body></html>"
    )


def _sample(con: duckdb.DuckDBPyConnection, run_id: int) -> list[str]:
    """Precision and recall with 95% intervals from the last stratified sample (`linkage review sample`)."""
    sample = latest_sample(con)
    if sample is None:
        return [
            '<p class="note">No sample drawn: <code>linkage review sample --size 300 --out sheet.csv</code>, '
            "decide it, then <code>linkage review import</code>.</p>"
        ]
    e = estimate(sample.strata, sample.decisions)
    rows = [(m, "-" if v is None else f"{v:.4f} (95% {lo:.4f} - {hi:.4f})") for m, v, lo, hi in e.rows()]
    notes = describe(e, sample.run_id, run_id)
    return [
        _table(rows, f"sample {sample.sample_id} drawn {sample.drawn_at:%Y-%m-%d}"),
        embed_html(interval_chart(e.rows()), "Precision and recall with their 95% intervals"),
        f'<p class="note">{html.escape("; ".join(notes))}.</p>',
    ]


def _evaluation(current, labels: pl.DataFrame, truth: pl.DataFrame | None) -> list[str]:
    out: list[str] = []
    if truth is not None:
        t = truth.select(
            pl.col(truth.columns[0]).cast(pl.String).alias(C.RECORD_ID),
            pl.col(truth.columns[1]).cast(pl.String).alias("person_key"),
        )
        sc = score_clusters(current.records, t)
        out += [
            _table(
                [
                    ("pairwise precision", f"{sc.precision:.4f}"),
                    ("pairwise recall", f"{sc.recall:.4f}"),
                    ("F1", f"{sc.f1:.4f}"),
                    ("B-cubed precision / recall", f"{sc.bcubed_precision:.4f} / {sc.bcubed_recall:.4f}"),
                    ("records with a label", sc.records),
                ],
                "persons against the truth labels",
            )
        ]
        scored, n = from_truth(current.pairs, truth)
        out.append(
            embed_html(
                threshold_curve_chart(threshold_curve(scored, n)),
                "Precision and recall of scored pairs against the link threshold (truth labels; pairwise before "
                "clustering, so records joined only through a third count as missed)",
            )
        )
    decided = labels.filter(pl.col("decision") != "unsure")
    if decided.height:
        scored, n = from_review(labels, current.pairs)
        out.append(
            embed_html(
                threshold_curve_chart(threshold_curve(scored, n)),
                f"Precision and recall on {decided.height:,} reviewed pairs (grey zone only)",
            )
        )
    if not out:
        out.append(
            '<p class="note">No labels yet: pass --labels with a truth file, or review pairs with '
            "<code>linkage review export</code> / <code>import</code>.</p>"
        )
    return out


def _overlap(records: pl.DataFrame) -> list[tuple[str, int]]:
    per = records.group_by(C.PERSON_ID).agg(pl.col(C.SOURCE_SYSTEM).unique().sort().str.join(" + ").alias("programs"))
    return per.group_by("programs").len().sort(["len", "programs"], descending=[True, False]).rows()


def _run_row(con: duckdb.DuckDBPyConnection, run_id: int) -> dict:
    cols = [
        "command",
        "finished_at",
        "rows_read",
        "rows_linked",
        "rows_quarantined",
        "persons",
        "persons_multi_program",
        "summary",
    ]
    rows = con.execute(f"SELECT {', '.join(cols)} FROM runs WHERE run_id = ?", [run_id]).fetchall()
    if not rows:
        raise StoreError(f"run {run_id} is not in the store's runs table")
    return dict(zip(cols, rows[0]))


def _table(rows: Sequence[tuple[str, object]], caption: str = "") -> str:
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    body = "".join(
        f'<tr><td>{k}</td><td class="n">{v:,}</td></tr>'
        if isinstance(v, int)
        else f'<tr><td>{k}</td><td class="n">{html.escape(str(v))}</td></tr>'
        for k, v in rows
    )
    return f"<table>{cap}{body}</table>"
