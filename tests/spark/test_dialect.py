import pytest

from linkage.errors import ModelError
from linkage.model import resolve_model
from linkage.spark.dialect import spark_condition, spark_model


def test_every_level_of_the_shipped_model_has_a_spark_form():
    model = spark_model(resolve_model(None).splink)
    sql = " ".join(lvl["sql_condition"] for c in model["comparisons"] for lvl in c["comparison_levels"])
    assert model["sql_dialect"] == "spark"
    assert "list_has_any" not in sql and "jaro_winkler_similarity" not in sql and "hamming" not in sql
    assert "arrays_overlap(fn_tokens_l, fn_tokens_r)" in sql


def test_hamming_one_becomes_one_substitution():
    assert (
        spark_condition("hamming(ssn_std_l, ssn_std_r) = 1")
        == "(length(ssn_std_l) = length(ssn_std_r) AND levenshtein(ssn_std_l, ssn_std_r) = 1)"
    )


def test_an_unknown_function_is_refused_not_guessed():
    with pytest.raises(ModelError, match="regexp_matches"):
        spark_condition("regexp_matches(fn_l, '^A')")


def test_cluster_urls_survive_the_command_lines_path():
    from pathlib import Path

    from linkage.spark.stages import uri

    assert uri(Path("s3a://bucket/records/")) == "s3a://bucket/records"
    assert uri(Path("/data/records.csv")) == "/data/records.csv" and uri("hdfs://nn/a") == "hdfs://nn/a"
