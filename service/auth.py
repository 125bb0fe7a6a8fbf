"""API keys and roles. Clients send `Authorization: Bearer KEY`; the keys file maps each key to a
role (and a name for the audit trail). What each role may see is decided here, in one place."""
from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Role(str, Enum):
    IVD = "ivd"  # child support: SSN last four, addresses, locate
    IVA = "iva"  # TANF
    IVE = "ive"  # foster care: locate
    ANALYST = "analyst"
    ADMIN = "admin"


LOCATE_ROLES = frozenset({Role.IVD, Role.IVE})
SSN_ROLES = frozenset({Role.IVD})
ADDRESS_ROLES = frozenset({Role.IVD})


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role

    @property
    def sees_ssn_last4(self) -> bool:
        return self.role in SSN_ROLES

    @property
    def sees_addresses(self) -> bool:
        return self.role in ADDRESS_ROLES


class KeysError(ValueError):
    """The keys file cannot be used."""


def load_keys(path: Path) -> dict[str, Caller]:
    try:
        raw = json.loads(Path(path).read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise KeysError(f"keys file {path}: cannot be read as JSON: {e}") from e
    if not isinstance(raw, dict) or not raw:
        raise KeysError(f"keys file {path}: expected a JSON object of API key -> role")
    out = {}
    for i, (key, value) in enumerate(raw.items()):
        role, name = (value, f"key{i + 1}") if isinstance(value, str) else (value.get("role"), value.get("name", f"key{i + 1}"))
        try:
            out[key] = Caller(str(name), Role(role))
        except ValueError:
            raise KeysError(f"keys file {path}: key #{i + 1} has role {role!r}; roles are "
                            f"{', '.join(r.value for r in Role)}") from None
        if len(key) < 16:
            raise KeysError(f"keys file {path}: key #{i + 1} is shorter than 16 characters")
    return out


def caller_for(keys: dict[str, Caller], authorization: str | None) -> Caller | None:
    """The caller of a bearer token, compared in constant time; None if missing or unknown."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    token = authorization[len("Bearer "):].strip()
    for key, caller in keys.items():
        if hmac.compare_digest(key.encode(), token.encode()):
            return caller
    return None
