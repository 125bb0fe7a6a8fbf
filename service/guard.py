"""Limits per key, and the watch for a key that enumerates what its role may not see.

Two token buckets per key: one for every request, a tighter one for queries that carry an
identifier the role may search by but not see (TANF and foster care searching by SSN). Past
either, 429 with Retry-After.

The watch: a key that tries several values of a watched identifier against one person (one
subject: the same name and date of birth, or the same person in the answers) is enumerating, not
working a case. At `max_values` distinct values within the window the key is locked (every
further request 403) and an alert is recorded for administrators, who clear it
(`POST /v1/alerts/{id}/clear`) once they know why. Locks live in the service db, so a restart
does not lift them.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    requests_per_minute: float = 600.0
    burst: int = 120
    watched_per_hour: float = 120.0  # queries carrying an identifier the role cannot see
    watched_burst: int = 20
    max_values: int = 4  # distinct values of one watched identifier against one subject
    window_seconds: float = 3600.0


class RateLimited(Exception):
    def __init__(self, retry_after: float, what: str):
        super().__init__(what)
        self.retry_after = max(1, int(retry_after + 0.999))


@dataclass
class _Bucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float
    at: float

    def take(self, now: float) -> float:
        """0 if a token was taken, else the seconds until one is there."""
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


def fingerprint(*parts: object) -> str:
    """A short digest of a subject: the watch keeps no names or dates in memory."""
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:24]


@dataclass
class Guard:
    limits: Limits = field(default_factory=Limits)
    locked: set[str] = field(default_factory=set)  # key names
    _buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    _seen: dict[tuple[str, str, str], deque] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def admit(self, key: str, watched: bool = False, now: float | None = None) -> None:
        """Take a token for this key (and a watched one); RateLimited if there is none."""
        now = time.monotonic() if now is None else now
        lim = self.limits
        with self._lock:
            wait = self._bucket(key, "all", lim.requests_per_minute / 60, lim.burst, now).take(now)
            if wait:
                raise RateLimited(wait, f"over {lim.requests_per_minute:g} requests a minute for this key")
            if watched:
                wait = self._bucket(key, "watched", lim.watched_per_hour / 3600, lim.watched_burst, now).take(now)
                if wait:
                    raise RateLimited(
                        wait, f"over {lim.watched_per_hour:g} searches an hour by an identifier this role may not see"
                    )

    def _bucket(self, key: str, kind: str, rate: float, capacity: int, now: float) -> _Bucket:
        b = self._buckets.get((key, kind))
        if b is None:
            b = self._buckets[(key, kind)] = _Bucket(rate, capacity, capacity, now)
        return b

    def observe(self, key: str, field_name: str, value: str, subjects: list[str], now: float | None = None) -> bool:
        """Count `value` of a watched field against each subject; True when this key is now
        enumerating (the caller locks it and raises the alert)."""
        now = time.monotonic() if now is None else now
        digest = fingerprint(field_name, value)
        with self._lock:
            for subject in subjects:
                seen = self._seen[(key, field_name, subject)]
                while seen and now - seen[0][0] > self.limits.window_seconds:
                    seen.popleft()
                if digest not in {d for _, d in seen}:
                    seen.append((now, digest))
                if len(seen) >= self.limits.max_values:
                    return True
        return False
