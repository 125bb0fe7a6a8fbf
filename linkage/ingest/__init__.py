"""Stage 1: read program records and quarantine what cannot be used."""

from linkage.ingest.read import read_records
from linkage.ingest.validate import Validated, parse_dates, validate

__all__ = ["read_records", "validate", "Validated", "parse_dates"]
