"""What kind of file this is, read from its cases: program records or a person list.

Program records come in cases: a custodial parent, the children, the absent parent, each a record
of one case. The cases tell families apart, and the never-merge rules about look-alikes (twins on
one birth date, a parent and child under one SSN, one person's two SSNs) rest on what program files
are known to hold: children of one case born the same day are twins far more often than a record's
first name is wholly wrong.

A file in which no case holds two records (a client index, a list of people from another system, a
research extract such as FEBRL) says nothing about families. Two records of one birth date, surname
and address under different first names are twins or one person with a wrong first name, and only
how often this file's fields are wrong can say which. For such a *person list* the run trains the
model on the file itself (its m-probabilities then say how often this file's first names, SSNs and
birth dates are wholly wrong: 15% of FEBRL's duplicates replace the first name, under 2% in program
records) and leaves the look-alike field patterns to that model's weights instead of the program
rules. Rules the records state themselves stay: a JR is not a SR, different sex and different first
names are two people. Below MIN_TRAIN_RECORDS a model trained on the file would be noise: the shipped
model scores it, with the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from linkage import columns as C

PROGRAM = "program records"
PERSON_LIST = "person list"
MIN_TRAIN_RECORDS = 2_000  # fewer: too few pairs for EM to say how often this file's fields are wrong


@dataclass(frozen=True)
class FileProfile:
    kind: str = PROGRAM
    records: int = 0
    cases: int = 0
    largest_case: int = 0

    @classmethod
    def read(cls, records: pl.DataFrame) -> FileProfile:
        """From standardized records (source_system and case_id of each)."""
        sizes = records.group_by(C.SOURCE_SYSTEM, C.CASE_ID).len()
        return cls.of(records.height, sizes.height, int(sizes["len"].max() or 0) if sizes.height else 0)  # type: ignore[arg-type]

    @classmethod
    def of(cls, records: int, cases: int, largest_case: int) -> FileProfile:
        """From counts an engine made where the data is."""
        if not records:
            return cls()
        return cls(PERSON_LIST if largest_case < 2 else PROGRAM, records, cases, largest_case)

    @classmethod
    def from_dict(cls, d: dict | None) -> FileProfile:
        """From a run summary's `profile` (a summary from before profiles: program records)."""
        d = d or {}
        return cls(d.get("kind", PROGRAM), d.get("records", 0), d.get("cases", 0), d.get("largest_case", 0))

    @property
    def person_list(self) -> bool:
        return self.kind == PERSON_LIST

    @property
    def trains(self) -> bool:
        """Whether a run that names no model trains one on this file."""
        return self.person_list and self.records >= MIN_TRAIN_RECORDS

    def describe(self, trained: bool, can_train: bool = True) -> str:
        """For a console and the report; `can_train`: the engine trains (DuckDB) or takes a version
        (Spark: `linkage train` on the list, then --model)."""
        if not self.person_list:
            return f"{PROGRAM} ({self.cases:,} cases, the largest of {self.largest_case:,} records)"
        model = (
            "model trained on this file"
            if trained
            else f"shipped model (a model is trained on a person list of {MIN_TRAIN_RECORDS:,} records or more)"
            if can_train
            else "the model named (trained on another file unless made by `linkage train` on this list)"
        )
        return (
            f"{PERSON_LIST}: no case holds two records, so nothing says who is a family; {model}; twins, "
            "different-SSN and generation patterns weighed by the model, not ruled"
        )

    def as_dict(self) -> dict:
        return {"kind": self.kind, "records": self.records, "cases": self.cases, "largest_case": self.largest_case}
