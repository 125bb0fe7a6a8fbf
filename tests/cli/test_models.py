"""`linkage models restate`: a candidate version with today's comparisons, its parent's training kept."""

from __future__ import annotations

import json
import shutil

from linkage.model import default_models_dir
from tests.cli import run


def test_restate_makes_a_candidate_that_names_its_parent_and_refuses_when_nothing_changed(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(default_models_dir() / "default", models / "default")
    p = run("models", "restate", "default", "restated", "--models-dir", models, "--note", "year-only dates", "--measured", "F1 x")
    assert "a candidate restating dob" in p.stdout
    meta = json.loads((models / "restated" / "meta.json").read_text())
    assert meta["parent"] == "default" and meta["status"] == "candidate" and meta["evaluation"] == {"measured": "F1 x"}
    assert "restated from default (dob" in meta["notes"] and meta["notes"].endswith("year-only dates")
    again = run("models", "restate", "restated", "twice", "--models-dir", models, check=False)
    assert again.returncode == 2 and "nothing to restate" in again.stderr and not (models / "twice").exists()
    taken = run("models", "restate", "default", "restated", "--models-dir", models, check=False)
    assert taken.returncode == 2 and "already exists" in taken.stderr
