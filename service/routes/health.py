from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
async def readyz(request: Request):
    """The index is loaded and queries can be answered."""
    holder = request.app.state.holder
    index = holder.current
    if index is None:
        return JSONResponse(status_code=503, content=Health(status="loading").model_dump())
    if not holder.watching:
        return JSONResponse(
            status_code=503,
            content=Health(
                status="index reload stopped", index_run_id=index.run_id, records=index.size, model=holder.model
            ).model_dump(),
        )
    return Health(status="ready", index_run_id=index.run_id, records=index.size, model=request.app.state.holder.model)
