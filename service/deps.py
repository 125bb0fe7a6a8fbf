"""Dependencies the routes declare: the caller (from the bearer key, admitted by the guard), the
purpose of a look-up, the index and its holder, the service db."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Annotated

from fastapi import Depends, Header, HTTPException, Query, Request

from service.auth import Caller, caller_for
from service.guard import Guard, RateLimited
from service.holder import IndexHolder
from service.index import PersonIndex
from service.policy import Role
from service.servicedb import ServiceDb


def too_many(e: RateLimited) -> HTTPException:
    return HTTPException(
        status_code=429, detail=f"slow down: {e}; try again in {e.retry_after} s", headers={"Retry-After": str(e.retry_after)}
    )


async def current_caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> Caller:
    caller = caller_for(request.app.state.keys, authorization)
    if caller is None:
        raise HTTPException(
            status_code=401,
            detail="missing or unknown API key: send Authorization: Bearer KEY",
            headers={"WWW-Authenticate": "Bearer"},
        )
    guard: Guard = request.app.state.guard
    if caller.name in guard.locked:
        raise HTTPException(
            status_code=403,
            detail="this key is locked after an enumeration alert; "
            "an administrator must review and clear the alert (GET /v1/alerts)",
        )
    try:
        guard.admit(caller.name)
    except RateLimited as e:
        raise too_many(e) from None
    return caller


def allow(*roles: Role | Iterable[Role]) -> Callable[[Caller], Awaitable[Caller]]:
    """A dependency that lets only these roles through (403 for the others)."""
    allowed = {r for group in roles for r in ((group,) if isinstance(group, Role) else group)}

    async def check(caller: Annotated[Caller, Depends(current_caller)]) -> Caller:
        if caller.role not in allowed:
            raise HTTPException(
                status_code=403,
                detail=f"role {caller.role.value} may not do this; allowed: {', '.join(sorted(r.value for r in allowed))}",
            )
        return caller

    return check


async def required_purpose(
    x_purpose: Annotated[str | None, Header(alias="X-Purpose", max_length=200)] = None,
    purpose: Annotated[str | None, Query(max_length=200)] = None,
) -> str:
    """Why this person data is needed, kept in the audit trail: the X-Purpose header (or `purpose`)."""
    given = (x_purpose or purpose or "").strip()
    if len(given) < 3:
        raise HTTPException(
            status_code=422,
            detail="say why you need this person data: send an X-Purpose header "
            "(at least 3 characters, e.g. 'intake check, case A123'); it is kept in the audit trail",
        )
    return given


def loaded(holder: IndexHolder) -> PersonIndex:
    """The index a request works on; 503 while the service starts (nothing to answer from yet)."""
    index = holder.current
    if index is None:
        raise HTTPException(status_code=503, detail="the index is not loaded yet")
    return index


async def current_index(request: Request) -> PersonIndex:
    return loaded(request.app.state.holder)


async def index_holder(request: Request) -> IndexHolder:
    loaded(request.app.state.holder)
    return request.app.state.holder


async def service_db(request: Request) -> ServiceDb:
    return request.app.state.db


async def current_guard(request: Request) -> Guard:
    return request.app.state.guard


AnyCaller = Annotated[Caller, Depends(current_caller)]
Index = Annotated[PersonIndex, Depends(current_index)]
Holder = Annotated[IndexHolder, Depends(index_holder)]
Db = Annotated[ServiceDb, Depends(service_db)]
GuardDep = Annotated[Guard, Depends(current_guard)]
Purpose = Annotated[str, Depends(required_purpose)]
