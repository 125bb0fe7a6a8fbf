"""Dependencies the routes declare: the caller (from the bearer key), the index, the audit log."""
from __future__ import annotations

from typing import Annotated, Callable

from fastapi import Depends, Header, HTTPException, Request

from service.servicedb import ServiceDb
from service.auth import Caller, Role, caller_for
from service.index import PersonIndex


async def current_caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> Caller:
    caller = caller_for(request.app.state.keys, authorization)
    if caller is None:
        raise HTTPException(status_code=401, detail="missing or unknown API key: send Authorization: Bearer KEY",
                            headers={"WWW-Authenticate": "Bearer"})
    return caller


def allow(*roles: Role) -> Callable[[Caller], Caller]:
    """A dependency that lets only these roles through (403 for the others)."""
    async def check(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if caller.role not in roles:
            raise HTTPException(status_code=403, detail=f"role {caller.role.value} may not do this; "
                                f"allowed: {', '.join(r.value for r in roles)}")
        return caller
    return check


async def current_index(request: Request) -> PersonIndex:
    index = request.app.state.holder.current
    if index is None:
        raise HTTPException(status_code=503, detail="the index is not loaded yet")
    return index


async def service_db(request: Request) -> ServiceDb:
    return request.app.state.db


AnyCaller = Annotated[Caller, Depends(current_caller)]
Index = Annotated[PersonIndex, Depends(current_index)]
Db = Annotated[ServiceDb, Depends(service_db)]
Purpose = Annotated[str | None, Header(alias="X-Purpose", max_length=200, description="why: kept in the audit trail")]
