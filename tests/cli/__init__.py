"""Tests through the installed `linkage` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LINKAGE = str(Path(sys.executable).parent / "linkage")


def run(*args: str | Path, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """env: variables set for this run on top of the test's own."""
    p = subprocess.run([LINKAGE, *map(str, args)], capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})
    if check and p.returncode != 0:
        raise AssertionError(f"exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p
