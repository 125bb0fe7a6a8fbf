"""Addresses: a normalized street line and a five-digit zip."""

from __future__ import annotations

import polars as pl

from linkage.standardize.names import clean_text

STREET_WORDS = {
    "STREET": "ST",
    "STR": "ST",
    "AVENUE": "AVE",
    "AV": "AVE",
    "BOULEVARD": "BLVD",
    "BLV": "BLVD",
    "DRIVE": "DR",
    "ROAD": "RD",
    "PLACE": "PL",
    "LANE": "LN",
    "COURT": "CT",
    "CIRCLE": "CIR",
    "HIGHWAY": "HWY",
    "PARKWAY": "PKWY",
    "TERRACE": "TER",
    "APARTMENT": "APT",
    "UNIT": "APT",
    "SUITE": "STE",
    "NORTH": "N",
    "SOUTH": "S",
    "EAST": "E",
    "WEST": "W",
    "NUMBER": "APT",
}


def street_std(col: pl.Expr) -> pl.Expr:
    text = clean_text(col.str.replace_all("#", " APT "))
    return text.str.split(" ").list.eval(pl.element().replace(STREET_WORDS)).list.join(" ").replace("", None)


def zip5(col: pl.Expr) -> pl.Expr:
    digits = col.str.replace_all(r"[^0-9]", "")
    return pl.when(digits.str.len_chars() >= 5).then(digits.str.slice(0, 5)).otherwise(None)
