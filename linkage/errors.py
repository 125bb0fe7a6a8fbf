"""Exceptions a caseworker's IT team can act on.

    LinkageError
    ├── InvalidInputError     the input file cannot be read as program records (exit code 2)
    ├── ModelError            the model file is missing, unreadable or untrained
    ├── StoreError            the DuckDB store cannot be opened or is from an incompatible version
    ├── LookupFailedError     a look-up names a record that is not there or not of the right kind
    ├── KeysError             the service's keys file is unsafe or malformed (linkage.keysfile)
    └── AuditError            the audit trail cannot be written, or does not verify

Rows that are merely unusable never raise: they go to quarantine with a reason.
"""

from __future__ import annotations


class LinkageError(Exception):
    """Base class: every error this package raises on purpose."""


class InvalidInputError(LinkageError):
    """The input as a whole cannot be used; the message names the file and what to fix."""


class ModelError(LinkageError):
    """A model cannot be loaded, saved or used."""


class StoreError(LinkageError):
    """The store cannot be opened or written."""


class LookupFailedError(LinkageError):
    """A look-up (locate) names a record that is unknown, or not a child in any case."""


class AuditError(LinkageError):
    """The audit trail cannot be written (the service then answers 503) or fails verification."""
