"""SSNs: digits only, SSA issuance rules; placeholders and invalid numbers become unknown.

An unknown SSN is never compared as equal to another unknown one: both become null. ITINs (9xx with
an ITIN group) are kept for comparison but flagged, since they are tax ids, not SSNs.
"""

from __future__ import annotations

import polars as pl

PLACEHOLDERS = [d * 9 for d in "0123456789"] + ["123456789", "987654321", "012345678", "078051120"]
ITIN_GROUPS = [f"{g:02d}" for g in [*range(50, 66), *range(70, 89), 90, 91, 92, *range(94, 100)]]


def ssn_digits(col: pl.Expr) -> pl.Expr:
    return col.str.replace_all(r"[^0-9]", "").replace("", None)


def ssn_status(digits: pl.Expr) -> pl.Expr:
    """valid | itin | placeholder | invalid | missing."""
    area, group, serial = digits.str.slice(0, 3), digits.str.slice(3, 2), digits.str.slice(5, 4)
    return (
        pl.when(digits.is_null())
        .then(pl.lit("missing"))
        .when(digits.str.len_chars() != 9)
        .then(pl.lit("invalid"))
        .when(digits.is_in(PLACEHOLDERS))
        .then(pl.lit("placeholder"))
        .when(area.str.starts_with("9") & group.is_in(ITIN_GROUPS))
        .then(pl.lit("itin"))
        .when(area.is_in(["000", "666"]) | area.str.starts_with("9"))
        .then(pl.lit("invalid"))
        .when((group == "00") | (serial == "0000"))
        .then(pl.lit("invalid"))
        .otherwise(pl.lit("valid"))
    )


def usable_ssn(digits: pl.Expr, status: pl.Expr) -> pl.Expr:
    return pl.when(status.is_in(["valid", "itin"])).then(digits).otherwise(None)
