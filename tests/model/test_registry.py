"""Model versions: immutable, the latest accepted is the default, a threshold change is a new version."""

from __future__ import annotations

import shutil

import pytest

from linkage.errors import ModelError
from linkage.model import Thresholds, accept, latest_accepted, list_versions, load_model, resolve_model, save_version
from linkage.model.files import default_models_dir


@pytest.fixture
def models(tmp_path):
    shutil.copytree(default_models_dir() / "default", tmp_path / "default")
    return tmp_path


def test_a_file_without_status_counts_as_accepted(models):
    assert latest_accepted(models).meta.name == "default"
    assert resolve_model(None, models).meta.name == "default"


def test_a_new_version_keeps_its_parent_and_becomes_the_default(models):
    base = load_model("default", models)
    v = save_version(base, "strict", by="ana", thresholds=Thresholds(0.99, 0.6), models_dir=models)
    assert v.meta.parent == "default" and v.meta.accepted_by == "ana" and v.splink == base.splink
    assert latest_accepted(models).meta.name == "strict"
    assert "derived from: default" in (models / "strict" / "MODEL_CARD.md").read_text()
    with pytest.raises(ModelError, match="never overwritten"):
        save_version(base, "strict", by="ana", models_dir=models)


def test_a_candidate_is_not_used_until_accepted(models):
    base = load_model("default", models)
    save_version(base, "draft", by="", thresholds=Thresholds(0.95, 0.5), accept_now=False, models_dir=models)
    assert latest_accepted(models).meta.name == "default"
    with pytest.raises(ModelError, match="who"):
        accept("draft", " ", models)
    accept("draft", "lee", models)
    assert latest_accepted(models).meta.name == "draft"
    assert [m.meta.name for m in list_versions(models)] == ["default", "draft"]


@pytest.mark.parametrize("name", ["../x", "", "a b", "-x"])
def test_bad_version_names_are_refused(models, name):
    with pytest.raises(ModelError, match="model name"):
        save_version(load_model("default", models), name, by="ana", models_dir=models)


def test_no_accepted_version_says_what_to_do(tmp_path):
    with pytest.raises(ModelError, match="linkage models accept"):
        latest_accepted(tmp_path)
