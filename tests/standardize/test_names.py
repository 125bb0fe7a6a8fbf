import csv
from pathlib import Path

import pytest

from linkage.ingest import validate
from linkage.standardize import NicknameTable, standardize
from tests.conftest import person, records_frame

GOLDEN = list(csv.DictReader((Path(__file__).parent / "golden_names.csv").open(encoding="utf-8")))


def std(rows):
    return standardize(validate(records_frame(rows)).records)


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"{c['first_name']}|{c['last_name']}")
def test_golden_names(case):
    row = person("R1", case["first_name"], case["last_name"], middle_name=case["middle_name"], suffix=case["suffix"])
    out = std([row]).row(0, named=True)
    assert (out["fn"] or "") == case["fn"]
    assert (out["mn"] or "") == case["mn"]
    assert (out["sn"] or "") == case["sn"]
    assert "|".join(out["sn_tokens"] or []) == case["sn_tokens"]
    assert (out["sfx"] or "") == case["sfx"]
    if case["fn_canon_has"]:
        assert case["fn_canon_has"] in out["fn_canon"]


def test_compound_surname_variants_share_tokens():
    rows = [person(f"R{i}", "ANA", last) for i, last in enumerate(["GARCIA LOPEZ", "GARCIA-LOPEZ", "GARCIA", "LOPEZ"])]
    tokens = [set(t) for t in std(rows)["sn_tokens"].to_list()]
    assert all(tokens[0] & t for t in tokens[1:])


def test_nickname_table_is_symmetric_through_the_formal_name():
    nick = NicknameTable.from_csv()
    assert nick.same_person("BOB", "ROBERT") and nick.same_person("BOBBY", "ROB")
    assert nick.same_person("LUPE", "GUADALUPE") and nick.same_person("PANCHO", "FRANCISCO")
    assert not nick.same_person("PATRICK", "PATRICIA")  # PAT stands for both, they are not one name


def test_a_nickname_in_the_surname_field_has_its_nickname_groups():
    """HARRIS CHRIS: the first name typed into the surname field keeps its equivalence to CHRISTOPHER."""
    out = std([person("R1", "Harris", "Chris"), person("R2", "Ana", "Garcia-Lopez")])
    assert "CHRISTOPHER" in out["sn_canon"][0] and out["sn_canon"][1].to_list() == ["GARCIA", "LOPEZ"]


def test_names_one_typing_error_from_a_known_name_stand_for_its_formal_names():
    nick = NicknameTable.from_csv()
    assert "EDWARD" in nick.near("EWARD") and "WILLIAM" in nick.near("WLLIAM")  # a letter out
    assert "JOSEPH" in nick.near("JOFSEPH") and "JAMES" in nick.near("JIMMI")  # a letter in, a letter wrong
    assert nick.near("ANA") == set(nick.canon("ANA"))  # three letters: too many neighbours to guess
    assert nick.near("XQZWV") == {"XQZWV"}


def test_custom_nickname_table(tmp_path):
    p = tmp_path / "n.csv"
    p.write_text("nickname,formal,language\nZEKE,EZEKIEL,en\n")
    out = standardize(validate(records_frame([person("R1", "Zeke", "Doe")])).records, NicknameTable.from_csv(p))
    assert out["fn_canon"].to_list() == [["EZEKIEL", "ZEKE"]]


def test_phonetic_codes_and_name_keys():
    out = std([person("R1", "Catherine", "Garcia Lopez")]).row(0, named=True)
    assert out["fn_meta"] and set(out["sn_meta"]) == {"KRX", "LPS"}
    assert {"GARCIA", "LOPEZ", "CATHERINE"} <= set(out["name_keys"])


def test_dob_columns():
    out = std([person("R1", "A", "B", dob="03/02/2014")]).row(0, named=True)
    assert (out["dob_str"], out["dob_year"], out["dob_md"]) == ("20140302", 2014, "0302")
