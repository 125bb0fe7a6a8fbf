"""Who may see, search by and do what: the one home of the service's role policy.

Roles follow the programs. Child support (IV-D) holds SSNs and locate data, so it sees the SSN's
last four, whether two SSNs agree, and addresses. TANF intake (IV-A) and foster care (IV-E) have the
applicant's or child's SSN in hand, so they may search by a full SSN, but they are never told
whether it agreed: the answer's words do not change with it, and every such query is rate-limited
and watched for one key trying several values against one person (`service.guard`). Nobody but
IV-D may search by the last four (ten thousand guesses enumerate it) or by an address (a role that
may not see addresses may not confirm one). Analysts and administrators search by name and date of
birth only.

What a role may not see, it may not confirm: `may_see` decides the words of an answer, `searchable`
what a query may carry, `watched` which of those the guard counts.
"""

from __future__ import annotations

from enum import Enum

from linkage import columns as C
from linkage.keysfile import ROLE_NAMES
from linkage.protection import LOCATION_FIELDS


class Role(str, Enum):
    IVD = "ivd"  # child support
    IVA = "iva"  # TANF
    IVE = "ive"  # foster care
    ANALYST = "analyst"
    ADMIN = "admin"


if tuple(r.value for r in Role) != ROLE_NAMES:
    raise RuntimeError("service.policy.Role and linkage.keysfile.ROLE_NAMES must name the same roles")

# What an answer may show or confirm.
SSN = "ssn"  # whether two SSNs agree, in the evidence
SSN_LAST4 = "ssn_last4"
ADDRESS = "address"

SEES: dict[Role, frozenset[str]] = {
    Role.IVD: frozenset({SSN, SSN_LAST4, ADDRESS}),
    Role.IVA: frozenset(),
    Role.IVE: frozenset(),
    Role.ANALYST: frozenset(),
    Role.ADMIN: frozenset(),
}
SEARCHES_BY: dict[Role, frozenset[str]] = {
    Role.IVD: frozenset({SSN, SSN_LAST4, ADDRESS}),
    Role.IVA: frozenset({SSN}),
    Role.IVE: frozenset({SSN}),
    Role.ANALYST: frozenset(),
    Role.ADMIN: frozenset(),
}

# Query fields by what they reveal.
QUERY_FIELDS: dict[str, str] = {C.SSN: SSN, "ssn_last4": SSN_LAST4, **{f: ADDRESS for f in LOCATION_FIELDS}}

LOCATE_ROLES = frozenset({Role.IVD, Role.IVE})
REFERRAL_ROLES = frozenset({Role.IVD, Role.IVA, Role.IVE, Role.ADMIN})
ADMIN_ROLES = frozenset({Role.ADMIN})
OWN_PROGRAM: dict[Role, str] = {Role.IVD: "IV-D", Role.IVA: "IV-A", Role.IVE: "IV-E"}
WRITES_ANY_PROGRAM = frozenset({Role.ADMIN})


def may_see(role: Role, what: str) -> bool:
    return what in SEES[role]


def searchable(role: Role, field: str) -> bool:
    """Whether a query of this role may carry `field` (fields that reveal nothing always may)."""
    what = QUERY_FIELDS.get(field)
    return what is None or what in SEARCHES_BY[role]


def watched(role: Role, field: str) -> bool:
    """A field this role may search by but not see: its queries are limited and watched."""
    what = QUERY_FIELDS.get(field)
    return what is not None and what in SEARCHES_BY[role] and what not in SEES[role]


def may_write(role: Role, source_system: str) -> bool:
    """Records of its own program only (administrators: any)."""
    return role in WRITES_ANY_PROGRAM or OWN_PROGRAM.get(role) == source_system
