"""The service's keys file: API keys stored hashed, never in plain text.

A key is a random token shown once, when `linkage keys add` makes it; the file keeps only its
SHA-256 (a random 256-bit token needs no slow hash: there is nothing to guess from it). The file is
refused when others may read it, and so are the example keys of the README, which anyone can read.

    {"sha256:9f86d0...": {"name": "ive-worker-1", "role": "ive"}}
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import stat
from pathlib import Path

from linkage.errors import LinkageError

ROLE_NAMES = ("ivd", "iva", "ive", "analyst", "admin")  # service.policy.Role holds the same
HASH_PREFIX = "sha256:"
_HASHED = re.compile(r"^sha256:[0-9a-f]{64}$")
MIN_KEY_LENGTH = 16
# Keys printed in the README and the docs: never accepted, whoever puts them in a file.
EXAMPLE_KEYS = (
    "change-me-ivd-key-123",
    "change-me-ive-key-123",
    "change-me-iva-key-123",
    "change-me-admin-key-123",
    "change-me-analyst-key-123",
)


class KeysError(LinkageError):
    """The keys file cannot be used; the message says how to mend it."""


def hash_key(key: str) -> str:
    return HASH_PREFIX + hashlib.sha256(key.encode("utf-8")).hexdigest()


_EXAMPLE_HASHES = frozenset(hash_key(k) for k in EXAMPLE_KEYS)


def read_keys(path: Path) -> dict[str, tuple[str, str]]:
    """hash -> (name, role) of a keys file, after checking who may read it and what it holds."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise KeysError(f"keys file {path}: cannot be read as JSON: {e}") from e
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeysError(f"keys file {path}: group or others may read it (mode {stat.filemode(mode)}); run `chmod 600 {path}`")
    if not isinstance(raw, dict) or not raw:
        raise KeysError(
            f"keys file {path}: expected a JSON object of hashed key -> {{name, role}}; make it with `linkage keys add`"
        )
    out = {}
    for i, (hashed, value) in enumerate(raw.items(), start=1):
        if not _HASHED.match(hashed):
            raise KeysError(
                f"keys file {path}: entry #{i} is not a hashed key (keys are stored as sha256:HEX, "
                "never in plain text); add keys with `linkage keys add`"
            )
        if hashed in _EXAMPLE_HASHES:
            raise KeysError(
                f"keys file {path}: entry #{i} is an example key from the documentation; make a real one with `linkage keys add`"
            )
        name, role = (f"key{i}", value) if isinstance(value, str) else (value.get("name", f"key{i}"), value.get("role"))
        if role not in ROLE_NAMES:
            raise KeysError(f"keys file {path}: entry #{i} has role {role!r}; roles are {', '.join(ROLE_NAMES)}")
        out[hashed] = (str(name), role)
    return out


def add_key(path: Path, name: str, role: str, key: str | None = None) -> str:
    """Add a key for `name` with `role` to the file (created readable by its owner only); the plain
    key is returned to be shown once. `key`: use this one instead of a new random token."""
    if role not in ROLE_NAMES:
        raise KeysError(f"role {role!r}: roles are {', '.join(ROLE_NAMES)}")
    key = key if key is not None else secrets.token_urlsafe(32)
    if len(key) < MIN_KEY_LENGTH:
        raise KeysError(f"a key must be at least {MIN_KEY_LENGTH} characters")
    if key in EXAMPLE_KEYS:
        raise KeysError("that is an example key from the documentation: anyone can read it")
    path = Path(path)
    keys = _raw(path) if path.exists() else {}
    if any(isinstance(v, dict) and v.get("name") == name for v in keys.values()):
        raise KeysError(f"keys file {path}: a key named {name!r} exists already; choose another name")
    keys[hash_key(key)] = {"name": name, "role": role}
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(keys, f, indent=1)
    os.replace(tmp, path)
    os.chmod(path, 0o600)
    return key


def _raw(path: Path) -> dict:
    try:
        raw = json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise KeysError(f"keys file {path}: cannot be read as JSON: {e}") from e
    if not isinstance(raw, dict):
        raise KeysError(f"keys file {path}: expected a JSON object")
    return raw
