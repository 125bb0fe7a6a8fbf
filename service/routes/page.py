"""The caseworker page at `/`: static files shipped in the package, nothing fetched from elsewhere."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse
from pydantic import BaseModel

from service.deps import AnyCaller
from service.policy import SEARCHES_BY, SEES

STATIC = Path(__file__).resolve().parents[1] / "static"
router = APIRouter(tags=["page"])


class Me(BaseModel):
    name: str
    role: str
    searches_by: list[str]  # identifiers beyond name and date of birth this role may search by
    sees: list[str]


@router.get("/", include_in_schema=False)
async def page() -> FileResponse:
    return FileResponse(STATIC / "index.html")


@router.get("/v1/whoami", response_model=Me)
async def whoami(caller: AnyCaller) -> Me:
    """Who the key belongs to: the page's sign-in check."""
    return Me(
        name=caller.name, role=caller.role.value, searches_by=sorted(SEARCHES_BY[caller.role]), sees=sorted(SEES[caller.role])
    )
