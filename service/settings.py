"""The service's one settings object, read from the environment `linkage serve` sets
(`linkage/cli/serve.py` names the same variables: the CLI does not import the service)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from service.guard import Limits

ENV_PREFIX = "LINKAGE_SERVICE_"


@dataclass(frozen=True)
class ServiceSettings:
    db: Path  # the batch store the index is loaded from (opened read-only, briefly)
    keys: Path  # JSON: {"sha256:HEX": {"name": "...", "role": "ivd"}}, made by `linkage keys add`
    audit: Path  # the service's own DuckDB file for the audit trail, added records and alerts
    model: str | None = None  # a version name or directory; None: the latest accepted version
    max_body_bytes: int = 64 * 1024
    reload_seconds: float = 30.0
    limits: Limits = field(default_factory=Limits)
    max_added_per_key: int = 5000  # records one key may have added and not yet taken in by a batch run

    @classmethod
    def from_env(cls) -> ServiceSettings:
        def get(name: str, default: str | None = None) -> str:
            value = os.environ.get(ENV_PREFIX + name, default)
            if value is None:
                raise RuntimeError(f"{ENV_PREFIX}{name} is not set: start the service with `linkage serve`")
            return value

        d = Limits()
        limits = Limits(
            requests_per_minute=float(get("RATE_PER_MINUTE", str(d.requests_per_minute))),
            burst=int(get("RATE_BURST", str(d.burst))),
            watched_per_hour=float(get("WATCHED_PER_HOUR", str(d.watched_per_hour))),
            max_values=int(get("ENUMERATION_VALUES", str(d.max_values))),
        )
        db = Path(get("DB"))
        return cls(
            db=db,
            keys=Path(get("KEYS")),
            audit=Path(get("AUDIT", str(db.with_suffix(".audit.duckdb")))),
            model=get("MODEL", "") or None,
            max_body_bytes=int(get("MAX_BODY_BYTES", str(64 * 1024))),
            reload_seconds=float(get("RELOAD_SECONDS", "30")),
            limits=limits,
            max_added_per_key=int(get("MAX_ADDED_PER_KEY", "5000")),
        )
