"""API keys: clients send `Authorization: Bearer KEY`; the keys file (`linkage.keysfile`) holds each
key's hash with a name for the audit trail and a role (`service.policy` says what a role may do)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from linkage.keysfile import hash_key, read_keys
from service.policy import Role, may_see


@dataclass(frozen=True)
class Caller:
    name: str
    role: Role

    def sees(self, what: str) -> bool:
        return may_see(self.role, what)


def load_keys(path: Path) -> dict[str, Caller]:
    """Hashed key -> caller; KeysError naming the problem (unsafe file, plain or example key)."""
    return {hashed: Caller(name, Role(role)) for hashed, (name, role) in read_keys(path).items()}


def caller_for(keys: dict[str, Caller], authorization: str | None) -> Caller | None:
    """The caller of a bearer token, None if missing or unknown. The look-up is by the token's
    SHA-256, so its time says nothing about how much of a stored key a guess shares."""
    if not authorization or not authorization.startswith("Bearer "):
        return None
    token = authorization[len("Bearer ") :].strip()
    if not token or len(token) > 512:
        return None
    return keys.get(hash_key(token))
