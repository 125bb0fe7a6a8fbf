"""The on-demand match service (FastAPI): `linkage serve` starts it with uvicorn."""
