"""Birth dates a file uses for "unknown", found from the data and read for what they know.

Case systems that require a birth date get one whether or not anyone knows it: January 1st of the
year when only the year is known, a system default such as 1900-01-01 when nothing is. Read as
dates, they agree where nothing agrees (two strangers "born" on 1900-01-01, two children of one
year on January 1st: twins, by the rules) and disagree where nothing does (a child's real birthday
against its year-only entry elsewhere). Which values a file uses differs by system, so they are found
in the file itself, never from a list:

- a day of the year far more common than the typical day (OVER times the median, at least
  MIN_RECORDS records) stands for an unknown day: only the year is read;
- a whole date far more common than the other days of its year (or, on a year-only day, than
  that day in other years) stands for an unknown date: nothing is read.

The values found are kept in the run's summary so that the service reads a query's date the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from linkage import columns as C

OVER = 5.0  # times the typical count
MIN_RECORDS = 20  # fewer is chance (and could be one family's birthday)
# the columns a known day or month feeds; the year (DOB_YEAR) survives a year-only date
DAY_COLUMNS = (C.DOB_STR, C.DOB_MD, C.DOB_YM, C.DOB_YD, C.DOB_Y_MD)
YEAR_ONLY = "dob: a day this file uses for an unknown one (far more common than any other day): only the year is read"
UNKNOWN = "dob: a date this file uses for an unknown one (far more common than the other days of its year): not read"


@dataclass(frozen=True)
class DefaultDates:
    year_only: frozenset[str] = frozenset()  # MMDD
    unknown: frozenset[str] = frozenset()  # YYYYMMDD

    @classmethod
    def find(cls, dob_str: pl.Series) -> DefaultDates:
        """From the birth dates (YYYYMMDD) of a whole file."""
        return cls.from_counts(dob_str.drop_nulls().rename("d").to_frame().group_by("d").len())

    @classmethod
    def from_counts(cls, counts: pl.DataFrame) -> DefaultDates:
        """From (d: YYYYMMDD, len: records) of a whole file (an engine that counts where the data is)."""
        counts = counts.filter(pl.col("d").is_not_null())
        if counts.height == 0:
            return cls()
        by_day = counts.group_by(pl.col("d").str.slice(4, 4).alias("md")).agg(pl.col("len").sum())
        typical = by_day.select(pl.col("len").median()).item() or 0
        year_only = by_day.filter(pl.col("len") >= max(MIN_RECORDS, OVER * typical))["md"]
        by_date = counts.with_columns(pl.col("d").str.slice(4, 4).alias("md"), pl.col("d").str.slice(0, 4).alias("year"))
        on_year_only_day = pl.col("md").is_in(year_only.implode())
        # an ordinary date against the other days of its year (births are not spread evenly over
        # the years, nor over a year's days by more than a little); a date on a year-only day
        # against that day in other years (each holds that year's unknown days)
        per_year = by_date.group_by("year").agg(pl.col("len").sum().alias("in_year"))
        per_day = by_date.group_by("md").agg(pl.col("len").median().alias("usual"), pl.len().alias("years"))
        usual = (
            pl.when(on_year_only_day)
            .then(pl.col("usual"))
            .otherwise(pl.max_horizontal((pl.col("in_year") - pl.col("len")) / 365.25, pl.lit(1.0)))
        )
        unknown = (
            by_date.join(per_year, on="year")
            .join(per_day, on="md")
            .filter(
                (pl.col("len") >= MIN_RECORDS) & (pl.col("len") >= OVER * usual) & (~on_year_only_day | (pl.col("years") > 1))
            )["d"]
        )
        return cls(frozenset(year_only.to_list()), frozenset(unknown.to_list()))

    def __bool__(self) -> bool:
        return bool(self.year_only or self.unknown)

    def kind(self, dob_str: pl.Expr) -> pl.Expr:
        """UNKNOWN, YEAR_ONLY or null per date."""
        return (
            pl.when(dob_str.is_in(pl.Series(sorted(self.unknown), dtype=pl.String).implode()))
            .then(pl.lit(UNKNOWN))
            .when(dob_str.str.slice(4, 4).is_in(pl.Series(sorted(self.year_only), dtype=pl.String).implode()))
            .then(pl.lit(YEAR_ONLY))
        )

    def apply(self, records: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The standardized records with default dates read for what they know, and one blanked-field
        row (source_file, row_number, record_id, field, reason) per date read so."""
        if not self:
            return records, _blanked(records.head(0))
        kind = self.kind(pl.col(C.DOB_STR)).alias("_default")
        df = records.with_columns(kind)
        known = pl.col("_default").is_null()
        df = df.with_columns(
            *(pl.when(known).then(pl.col(c)).alias(c) for c in DAY_COLUMNS),
            pl.when(pl.col("_default") == UNKNOWN).then(None).otherwise(pl.col(C.DOB_YEAR)).alias(C.DOB_YEAR),
        )
        return df.drop("_default"), _blanked(df.filter(~known))

    def apply_one(self, std: dict) -> dict:
        """The same for one standardized record (the service's query or added record)."""
        d = std.get(C.DOB_STR)
        if not d or not self or (d not in self.unknown and d[4:] not in self.year_only):
            return std
        out = {**std, **{c: None for c in DAY_COLUMNS}}
        if d in self.unknown:
            out[C.DOB_YEAR] = None
        return out

    def describe(self) -> str:
        """For a console: the year-only days as MM-DD; whole dates only counted (a printed full date
        could be someone's birth date)."""
        days = ", ".join(f"{d[:2]}-{d[2:]}" for d in sorted(self.year_only))
        parts = [f"{days} read as year only"] if days else []
        if self.unknown:
            parts.append(f"{len(self.unknown)} whole date(s) read as unknown")
        return "; ".join(parts) or "none"

    def as_dict(self) -> dict[str, list[str]]:
        return {"year_only": sorted(self.year_only), "unknown": sorted(self.unknown)}

    @classmethod
    def from_dict(cls, d: dict | None) -> DefaultDates:
        d = d or {}
        return cls(frozenset(d.get("year_only", ())), frozenset(d.get("unknown", ())))


def _blanked(df: pl.DataFrame) -> pl.DataFrame:
    """Blanked-field rows, as validation and standardization write them."""
    reason = pl.col("_default") if "_default" in df.columns else pl.lit(None, dtype=pl.String)

    def given(c: str, dtype: type[pl.DataType]) -> pl.Expr:  # a frame not read from a file has no origin
        return (pl.col(c) if c in df.columns else pl.lit(None)).cast(dtype).alias(c)

    return df.select(
        given(C.SOURCE_FILE, pl.String),
        given(C.ROW_NUMBER, pl.Int64),
        C.RECORD_ID,
        pl.lit(C.DOB).alias(C.BLANKED_FIELD),
        reason.alias(C.QUARANTINE_REASON),
    )
