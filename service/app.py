"""The FastAPI application: settings, keys, index and audit log are built in `lifespan` and handed
to the routes as dependencies; nothing is loaded at import time.

The short, frequent routes (match, persons, health) and the dependencies are `async def`: their work
is a few milliseconds of Python that holds the interpreter anyway, and the hop to the threadpool cost
as much again (measured: 156 -> 369 matches/s on the demo index). The longer ones (locate, referral
check, adding records) stay in the threadpool."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from linkage.errors import AuditError, LinkageError
from service.auth import load_keys
from service.guard import Guard
from service.headers import SecurityHeaders
from service.holder import IndexHolder
from service.limits import BodyLimit
from service.routes import audit, children, events, explain, health, match, page, persons, records, referrals, worklist
from service.servicedb import ServiceDb
from service.settings import ServiceSettings
from service.timing import ServerTiming

log = logging.getLogger("linkage.service")


def create_app(settings: ServiceSettings, watch: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.keys = load_keys(settings.keys)
        app.state.db = ServiceDb(settings.audit)
        locked = {a["actor"] for a in app.state.db.alerts(open_only=True) if a["kind"] == "enumeration"}
        app.state.guard = Guard(settings.limits, locked)
        app.state.holder = IndexHolder(settings, app.state.db)
        app.state.holder.load()
        if watch:
            app.state.holder.start_watching()
        yield
        app.state.holder.stop()
        app.state.db.close()

    # No /docs or /redoc: FastAPI's pages load their scripts from a CDN. The schema is at /openapi.json.
    app = FastAPI(
        title="linkage",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        description="One person, child and family across IV-A, IV-D and IV-E records.",
    )
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(ServerTiming)  # outermost: counts the body check too
    for router in (
        page.router,
        health.router,
        match.router,
        persons.router,
        children.router,
        records.router,
        referrals.router,
        audit.router,
        worklist.router,
        explain.router,
        events.router,
    ):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(AuditError, _audit_failed)
    app.add_exception_handler(LinkageError, _linkage_error)
    app.add_exception_handler(Exception, _unexpected)
    return app


def create_app_from_env() -> FastAPI:
    """For `uvicorn --factory service.app:create_app_from_env`, as `linkage serve` runs it."""
    return create_app(ServiceSettings.from_env())


async def _invalid(request: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    problems = [{"where": ".".join(str(x) for x in e.get("loc", ())), "problem": e.get("msg", "")} for e in errors]
    return JSONResponse(status_code=422, content={"detail": "the request does not fit the API", "problems": problems})


async def _audit_failed(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=503, content={"detail": str(exc)}, headers={"Retry-After": "30"})


async def _linkage_error(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=400, content={"detail": str(exc)})


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(status_code=500, content={"detail": "internal error; the server log has the details"})
