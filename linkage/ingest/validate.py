"""Split records into usable rows and a quarantine, one reason per quarantined row.

Every row read ends up in exactly one of the two outputs: that is what lets a run report
rows read = rows linked + rows quarantined.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from linkage import columns as C
from linkage.ingest.read import BAD_BYTES

EARLIEST_DOB = date(1900, 1, 1)
DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d")
_FVI_OFF = ("", "N", "NO", "FALSE", "0")


@dataclass(frozen=True)
class Validated:
    records: pl.DataFrame  # usable rows, with uid, cleaned codes and a parsed dob_date
    quarantine: pl.DataFrame  # the rows as read, plus `reason`

    @property
    def rows_read(self) -> int:
        return self.records.height + self.quarantine.height


def validate(raw: pl.DataFrame, today: date | None = None) -> Validated:
    """Clean the coded columns, parse dates, and give every unusable row its reason."""
    today = today or date.today()
    df = raw.with_columns(pl.col(pl.String).str.strip_chars()).with_columns(
        pl.when(pl.col(pl.String) == "").then(None).otherwise(pl.col(pl.String)).name.keep())
    df = df.with_columns(
        _source_system().alias("_src"),
        pl.col(C.ROLE).str.to_uppercase().alias("_role"),
        pl.col(C.CASE_STATUS).str.to_uppercase().fill_null("OPEN").alias("_status"),
        pl.col(C.PATERNITY_STATUS).str.to_uppercase().alias("_pat"),
        parse_dates(pl.col(C.DOB)).alias(C.DOB_DATE),
    )
    reason = _reason(df, today)
    df = df.with_columns(reason.alias(C.QUARANTINE_REASON))
    bad = df.filter(pl.col(C.QUARANTINE_REASON).is_not_null())
    good = df.filter(pl.col(C.QUARANTINE_REASON).is_null())
    quarantine = bad.select(*raw.columns, C.QUARANTINE_REASON)
    records = good.with_columns(
        pl.col("_src").alias(C.SOURCE_SYSTEM),
        pl.col("_role").alias(C.ROLE),
        pl.col("_status").alias(C.CASE_STATUS),
        pl.col("_pat").alias(C.PATERNITY_STATUS),
        (~pl.col(C.FVI).fill_null("").str.to_uppercase().is_in(_FVI_OFF)).alias(C.FVI_FLAG),
    ).drop("_src", "_role", "_status", "_pat", C.QUARANTINE_REASON)
    records = records.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias(C.UID))
    return Validated(records, quarantine)


def parse_dates(col: pl.Expr) -> pl.Expr:
    """The schema's date formats; anything else (or an impossible date) parses to null."""
    return pl.coalesce([col.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS])


def _source_system() -> pl.Expr:
    s = pl.col(C.SOURCE_SYSTEM).str.to_uppercase().str.replace_all(r"[\s_]", "-")
    return s.str.replace(r"^IV-?([ADE])$", "IV-$1")


def _reason(df: pl.DataFrame, today: date) -> pl.Expr:
    """First applicable reason, in the order an IT team would fix them."""
    first_seen = pl.col(C.RECORD_ID).is_first_distinct() | pl.col(C.RECORD_ID).is_null()
    text_cols = [c for c, t in df.schema.items() if t == pl.String]
    bad_bytes = pl.any_horizontal(pl.col(c).str.contains(BAD_BYTES, literal=True).fill_null(False)
                                  for c in text_cols)
    dob = pl.col(C.DOB_DATE)
    checks: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col(C.RECORD_ID).is_null(), pl.lit("missing record_id")),
        (~first_seen, pl.lit("duplicate record_id (an earlier row has the same id)")),
        (bad_bytes, pl.lit("invalid UTF-8 bytes in the row (re-export the file as UTF-8)")),
        (pl.col("_src").is_null(), pl.lit("missing source_system")),
        (~pl.col("_src").is_in(C.SOURCE_SYSTEMS),
         pl.format("unknown source_system '{}' (expected IV-A, IV-D or IV-E)", pl.col(C.SOURCE_SYSTEM))),
        (pl.col(C.CASE_ID).is_null(), pl.lit("missing case_id")),
        (pl.col("_role").is_null(), pl.lit("missing role")),
        (~pl.col("_role").is_in(C.ROLES),
         pl.format("unknown role '{}' (expected CP, NCP, PF or CH)", pl.col(C.ROLE))),
        # The reasons never quote a date of birth: they are printed and counted in the run report.
        (pl.col(C.DOB).is_not_null() & dob.is_null(),
         pl.lit("impossible or unreadable date of birth (use YYYY-MM-DD, MM/DD/YYYY or YYYYMMDD)")),
        (dob > pl.lit(today), pl.lit("date of birth in the future")),
        (dob < pl.lit(EARLIEST_DOB), pl.lit("date of birth before 1900")),
        (~pl.col("_status").is_in(C.CASE_STATUSES),
         pl.format("unknown case_status '{}' (expected OPEN or CLOSED)", pl.col(C.CASE_STATUS))),
        (pl.col("_pat").is_not_null() & ~pl.col("_pat").is_in(C.PATERNITY_STATUSES),
         pl.format("unknown paternity_status '{}'", pl.col(C.PATERNITY_STATUS))),
    ]
    expr = pl.when(checks[0][0]).then(checks[0][1])
    for cond, msg in checks[1:]:
        expr = expr.when(cond.fill_null(False)).then(msg)
    return expr.otherwise(None)
