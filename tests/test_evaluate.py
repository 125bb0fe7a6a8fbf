import polars as pl
import pytest

from linkage.evaluate import score_clusters


def test_pairwise_and_bcubed_on_a_known_example():
    truth = pl.DataFrame({"record_id": list("abcde"), "person_key": [1, 1, 1, 2, 2]})
    pred = pl.DataFrame({"record_id": list("abcde"), "person_id": ["x", "x", "y", "y", "y"]})
    s = score_clusters(pred, truth)
    assert (s.true_pairs, s.predicted_pairs, s.correct_pairs) == (4, 4, 2)
    assert s.precision == pytest.approx(0.5) and s.recall == pytest.approx(0.5)
    assert s.bcubed_precision == pytest.approx((1 + 1 + 1 / 3 + 2 / 3 + 2 / 3) / 5)


def test_perfect_and_empty():
    truth = pl.DataFrame({"record_id": list("ab"), "person_key": [1, 1]})
    assert score_clusters(truth.rename({"person_key": "person_id"}), truth).f1 == 1.0
    empty = score_clusters(
        pl.DataFrame({"record_id": [], "person_id": []}, schema={"record_id": pl.String, "person_id": pl.Int64}), truth
    )
    assert empty.records == 0
