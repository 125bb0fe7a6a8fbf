"""Charts that work with no network: Vega-Lite specs rendered by the Vega libraries Splink ships.

Splink's own charts load Vega from a CDN unless asked otherwise; every chart this project shows (in
the tuning notebook and the run report) goes through here, with the libraries inlined.
"""

from __future__ import annotations

import html
import math
from itertools import count
from typing import Protocol

import polars as pl
from splink.internals.html_utils import chart_html, json_for_html, load_chart_libraries

_ids = count(1)


def weight_of(probability: float) -> float:
    """Match weight (log2 odds) of a match probability: the scale of Splink's charts."""
    return math.log2(probability / (1 - probability))


class SplinkChart(Protocol):
    @property
    def chart_dict(self) -> dict: ...


class Offline:
    """A chart a notebook displays from inlined libraries: `Offline(spec)` or `Offline(splink_chart)`."""

    def __init__(self, chart: dict | SplinkChart):
        self.spec = chart if isinstance(chart, dict) else chart.chart_dict  # a Splink chart

    def _repr_html_(self) -> str:
        return chart_html(self.spec, inline=True)


def libraries_html() -> str:
    """The three Vega scripts, once per page."""
    libs = load_chart_libraries()
    return "".join(f"<script>{libs[name]}</script>" for name in ("vega", "vega-lite", "vega-embed"))


def embed_html(spec: dict, title: str) -> str:
    """A chart's div and the call that draws it as SVG; needs `libraries_html()` earlier on the page."""
    div = f"chart-{next(_ids)}"
    return (
        f'<figure class="chart"><figcaption>{html.escape(title)}</figcaption><div id="{div}" '
        f'data-chart="{html.escape(title)}"></div></figure>'
        f"<script>vegaEmbed('#{div}', {json_for_html(spec)}, {{renderer: 'svg', actions: false}})"
        f".catch(e => {{document.getElementById('{div}').textContent = 'chart error: ' + e.message;}});</script>"
    )


def weight_histogram(
    pairs: pl.DataFrame, link_weight: float | None = None, review_weight: float | None = None, bins: int = 40
) -> dict:
    """Match weights of the scored pairs, with the thresholds as rules."""
    w = pairs["match_weight"].drop_nulls()
    w = w.filter(w.is_finite())
    lo, hi = (float(w.to_numpy().min()), float(w.to_numpy().max())) if w.len() else (0.0, 1.0)
    step = max((hi - lo) / bins, 1e-9)
    counts = (
        pl.DataFrame({"w": w})
        .with_columns(((pl.col("w") - lo) / step).floor().clip(0, bins - 1).alias("b"))
        .group_by("b")
        .len()
        .sort("b")
    )
    values = [{"from": lo + b * step, "to": lo + (b + 1) * step, "pairs": n} for b, n in counts.iter_rows()]
    layers: list[dict] = [
        {
            "mark": {"type": "bar", "color": "#4c78a8"},
            "encoding": {
                "x": {"field": "from", "type": "quantitative", "bin": {"binned": True}, "title": "match weight (log2 odds)"},
                "x2": {"field": "to"},
                "y": {"field": "pairs", "type": "quantitative", "title": "scored pairs"},
            },
        }
    ]
    rules = [{"at": v, "label": k} for k, v in (("link", link_weight), ("review", review_weight)) if v is not None]
    if rules:
        layers.append(
            {
                "data": {"values": rules},
                "mark": {"type": "rule", "color": "#d62728", "strokeDash": [4, 3]},
                "encoding": {"x": {"field": "at", "type": "quantitative"}, "tooltip": [{"field": "label"}]},
            }
        )
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 520,
        "height": 220,
        "data": {"values": values},
        "layer": layers,
    }


def threshold_curve_chart(curve: pl.DataFrame) -> dict:
    """Precision and recall against the link threshold."""
    values = [
        {"threshold": t, "measure": m, "value": v}
        for t, _, p, r in curve.rows()
        for m, v in (("precision", p), ("recall", r))
        if v is not None
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 520,
        "height": 220,
        "data": {"values": values},
        "mark": {"type": "line", "point": True},
        "encoding": {
            "x": {"field": "threshold", "type": "ordinal", "title": "link threshold (match probability)"},
            "y": {"field": "value", "type": "quantitative", "scale": {"zero": False}},
            "color": {"field": "measure", "type": "nominal"},
        },
    }


def bar_chart(rows: list[tuple[str, int]], x_title: str, y_title: str) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 520,
        "height": 180,
        "data": {"values": [{"k": k, "n": n} for k, n in rows]},
        "mark": "bar",
        "encoding": {
            "y": {"field": "k", "type": "nominal", "sort": None, "title": x_title},
            "x": {"field": "n", "type": "quantitative", "title": y_title},
        },
    }


def interval_chart(
    rows: list[tuple[str, float | None, float | None, float | None]], title: str = "estimate with its 95% interval"
) -> dict:
    """(measure, estimate, low, high) as points with error bars: the accuracy sample's estimates."""
    values = [{"measure": m, "estimate": e, "low": lo, "high": hi} for m, e, lo, hi in rows if e is not None]
    y = {"field": "measure", "type": "nominal", "title": None}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 420,
        "height": 90,
        "data": {"values": values},
        "layer": [
            {
                "mark": {"type": "rule", "strokeWidth": 2},
                "encoding": {
                    "y": y,
                    "x": {"field": "low", "type": "quantitative", "title": title, "scale": {"zero": False}},
                    "x2": {"field": "high"},
                },
            },
            {
                "mark": {"type": "point", "filled": True, "size": 80},
                "encoding": {
                    "y": y,
                    "x": {"field": "estimate", "type": "quantitative"},
                    "tooltip": [
                        {"field": "measure"},
                        {"field": "estimate", "format": ".4f"},
                        {"field": "low", "format": ".4f"},
                        {"field": "high", "format": ".4f"},
                    ],
                },
            },
        ],
    }
