import pytest

from linkage.errors import ModelError
from linkage.model import ModelMeta, SavedModel, Thresholds, for_record_count, level_weights, load_model, save_model


def test_shipped_default_model_loads_with_a_card():
    m = load_model("default")
    assert m.meta.trained_records and m.meta.thresholds.link >= m.meta.thresholds.review
    assert (m.path / "MODEL_CARD.md").read_text().startswith("# Model card: default")
    names = {c for c, *_ in level_weights(m.splink)}
    assert {"first_name", "surname", "dob", "ssn", "suffix", "middle_name", "sex", "address"} <= names


def test_save_and_load_round_trip(tmp_path):
    m = load_model("default")
    saved = SavedModel(
        m.splink, ModelMeta("v2", "today", "x.csv", "linkage train", Thresholds(0.95, 0.4), {"f1": 0.99}, trained_records=1000)
    )
    save_model(saved, tmp_path / "v2")
    back = load_model(tmp_path / "v2")
    assert back.meta.thresholds == Thresholds(0.95, 0.4) and back.meta.evaluation == {"f1": 0.99}
    assert "f1: 0.99" in (tmp_path / "v2" / "MODEL_CARD.md").read_text()


def test_missing_model_says_how_to_make_one(tmp_path):
    with pytest.raises(ModelError, match="linkage train"):
        load_model("nope", tmp_path)


@pytest.mark.parametrize("link,review", [(0.5, 0.9), (1.0, 0.5), (0.9, 0.0)])
def test_thresholds_must_be_ordered(link, review):
    with pytest.raises(ModelError):
        Thresholds(link=link, review=review)


def test_prior_scales_with_data_size():
    model = {"probability_two_random_records_match": 1e-4}
    assert for_record_count(model, 1001, 10001)["probability_two_random_records_match"] == pytest.approx(1e-5)
    assert for_record_count(model, None, 10)["probability_two_random_records_match"] == 1e-4


def test_the_shipped_card_says_what_the_shipped_meta_says():
    """The card is written from meta.json; an edit to one alone would be lost or contradicted."""
    from pathlib import Path

    from linkage.model import load_model
    from linkage.model.files import CARD_FILE, model_card

    shipped = Path(__file__).resolve().parents[2] / "models" / "default"
    assert (shipped / CARD_FILE).read_text() == model_card(load_model(shipped))


def test_no_level_of_the_shipped_model_is_a_veto():
    """EM gives m = 0 to a level its training data never shows among matches (the generator never
    mistypes a street): floored, one such disagreement costs a few bits, not seventy."""
    import math

    from linkage.model import load_model

    for comparison in load_model("default").splink["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("m_probability") is None:
                continue
            weight = math.log2(level["m_probability"] / level["u_probability"])
            assert weight > -12, (comparison["output_column_name"], level.get("label_for_charts"), weight)


def test_the_m_floor_lifts_only_what_em_could_not_measure_and_keeps_fixed_levels():
    from linkage.model.train import M_FLOOR, floor_m

    model = {
        "comparisons": [
            {
                "comparison_levels": [
                    {"sql_condition": "a IS NULL", "is_null_level": True},
                    {"sql_condition": "a_l = a_r", "m_probability": 0.9},
                    {"sql_condition": "typo", "m_probability": 1e-25},
                    {"sql_condition": "ELSE", "m_probability": 0.1, "fix_m_probability": True},
                ]
            }
        ]
    }
    levels = floor_m(model)["comparisons"][0]["comparison_levels"]
    assert levels[2]["m_probability"] >= M_FLOOR * 0.9 and levels[3]["m_probability"] == 0.1
    assert abs(sum(lv["m_probability"] for lv in levels[1:]) - 1.0) < 1e-12
    assert model["comparisons"][0]["comparison_levels"][2]["m_probability"] == 1e-25  # input untouched
