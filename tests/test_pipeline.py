"""The batch pipeline's own choices: where a run keeps its records between stages."""

from __future__ import annotations

from linkage.pipeline import LinkConfig, link


def test_records_wait_in_the_work_dir_and_are_gone_after(small_data, tmp_path):
    seen: dict[str, list[str]] = {}

    def look(stage: str) -> None:
        seen[stage] = sorted(p.name for p in tmp_path.rglob("*") if p.is_file())

    result = link([small_data / "records.csv"], LinkConfig(work_dir=tmp_path), progress=look)
    assert "records.parquet" in seen["block"] and "records.parquet" in seen["cluster"]
    assert result.records.height > 0 and list(tmp_path.iterdir()) == []
