"""The audit trail and alerts, for administrators only. Nothing here changes an audit row."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel

from service.auth import Caller
from service.deps import Db, GuardDep, allow
from service.policy import ADMIN_ROLES
from service.servicedb import iso

router = APIRouter(prefix="/v1", tags=["audit"])
Admin = Annotated[Caller, Depends(allow(ADMIN_ROLES))]


class AuditEntry(BaseModel):
    logged_at: str
    actor: str
    role: str
    purpose: str
    action: str
    person_ids: list[str]


class Alert(BaseModel):
    alert_id: int
    raised_at: str
    actor: str
    role: str
    kind: str
    detail: str
    cleared_at: str | None = None
    cleared_by: str | None = None


@router.get("/audit", response_model=list[AuditEntry])
async def audit_entries(caller: Admin, db: Db, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEntry]:
    """The latest look-ups, newest first."""
    return [
        AuditEntry(logged_at=r[0].isoformat(), actor=r[1], role=r[2], purpose=r[3], action=r[4], person_ids=list(r[5] or []))
        for r in db.audit_rows(limit)
    ]


@router.get("/alerts", response_model=list[Alert])
async def alerts(caller: Admin, db: Db, open_only: bool = False) -> list[Alert]:
    """Keys that tried to learn what their role may not see, newest first; their keys are locked
    until the alert is cleared."""
    return [Alert(**{**a, "raised_at": iso(a["raised_at"]), "cleared_at": iso(a["cleared_at"])}) for a in db.alerts(open_only)]


@router.post("/alerts/{alert_id}/clear", response_model=Alert)
async def clear(caller: Admin, db: Db, guard: GuardDep, alert_id: Annotated[int, Path(ge=1)]) -> Alert:
    """Clear an alert once it is understood: the key it locked answers again (unless another open
    alert holds it)."""
    cleared = db.clear_alert(alert_id, caller.name)
    if cleared is None:
        raise HTTPException(status_code=404, detail=f"no open alert {alert_id}")
    if not any(a["actor"] == cleared["actor"] for a in db.alerts(open_only=True)):
        guard.locked.discard(cleared["actor"])
    alert = next(a for a in db.alerts() if a["alert_id"] == alert_id)
    return Alert(**{**alert, "raised_at": iso(alert["raised_at"]), "cleared_at": iso(alert["cleared_at"])})
