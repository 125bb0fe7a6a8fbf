from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from service.auth import Caller, Role
from service.deps import Db, allow

router = APIRouter(prefix="/v1", tags=["audit"])


class AuditEntry(BaseModel):
    logged_at: str
    actor: str
    role: str
    purpose: str
    action: str
    person_ids: list[str]


@router.get("/audit", response_model=list[AuditEntry])
async def audit_entries(caller: Annotated[Caller, Depends(allow(Role.ADMIN))], db: Db,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEntry]:
    """The latest look-ups, newest first (administrators only)."""
    rows = db.audit_rows()[-limit:][::-1]
    return [AuditEntry(logged_at=r[0].isoformat(), actor=r[1], role=r[2], purpose=r[3], action=r[4],
                       person_ids=list(r[5] or [])) for r in rows]
