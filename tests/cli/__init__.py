"""Tests through the installed `linkage` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LINKAGE = str(Path(sys.executable).parent / "linkage")


def run(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess:
    p = subprocess.run([LINKAGE, *map(str, args)], capture_output=True, text=True, timeout=600)
    if check and p.returncode != 0:
        raise AssertionError(f"exit {p.returncode}\n{p.stdout}\n{p.stderr}")
    return p
