import pytest

from linkage import columns as C
from linkage.agreement import dob_related, ssn_related
from linkage.ingest import validate
from linkage.persons import RecordFacts, conflict
from linkage.persons.constraints import OTHER_FAMILIES, OTHER_SURNAMES
from linkage.standardize import standardize
from tests.conftest import person, records_frame


def facts(*rows):
    return RecordFacts.from_frame(standardize(validate(records_frame(list(rows))).records))


@pytest.mark.parametrize(
    "a,b,related",
    [
        ("123456780", "123456780", True),
        ("123456780", "123456781", True),
        ("123456780", "124356780", True),
        ("123456780", "123456708", True),
        ("123456780", "123456718", False),
        ("123456780", "987654320", False),
    ],
)
def test_ssn_typo_relation(a, b, related):
    assert ssn_related(a, b) is related


@pytest.mark.parametrize(
    "a,b,related",
    [
        ("20140302", "20140302", True),
        ("20140302", "20140203", True),
        ("20140302", "20140312", True),
        ("19850302", "19580302", True),
        ("20140302", "20150403", False),
    ],
)
def test_dob_typo_relation(a, b, related):
    assert dob_related(a, b) is related


def test_jr_and_sr_never_merge():
    f = facts(
        person("R1", "ROBERT", "SMITH JR", case="D1", dob="2010-01-01"),
        person("R2", "ROBERT", "SMITH", suffix="SR", case="D2", dob="2010-01-01"),
    )
    assert conflict(f, 0, 1) == "suffix JR vs SR"


def test_twins_same_birth_date_different_names():
    f = facts(
        person("R1", "DANIEL", "WOOD", case="D1", dob="2015-05-05"), person("R2", "DAVID", "WOOD", case="A1", dob="2015-05-05")
    )
    assert "twins" in conflict(f, 0, 1)


def test_twins_with_consecutive_ssns_even_when_names_look_like_a_typo():
    f = facts(
        person("R1", "JAYDEN", "WOOD", case="D1", dob="2015-05-05", ssn="517676895"),
        person("R2", "JAYLEN", "WOOD", case="A1", dob="2015-05-05", ssn="517676896"),
    )
    assert "twins" in conflict(f, 0, 1)


def test_typo_nickname_and_swap_are_not_twins():
    f = facts(
        person("R1", "MARGARET", "GRAHAM", case="D1", dob="1990-01-01"),
        person("R2", "MAGGIE", "GRAHAM", case="A1", dob="1990-01-01"),
        person("R3", "MARGRET", "GRAHAM", case="E1", dob="1990-01-01"),
        person("R4", "GRAHAM", "MARGARET", case="E2", dob="1990-01-01"),
    )
    assert [conflict(f, 0, i) for i in (1, 2, 3)] == [None, None, None]


def test_a_swap_written_with_a_nickname_is_not_twins():
    f = facts(
        person("R1", "CHRISTOPHER", "HARRIS", case="D1", dob="1984-09-25"),
        person("R2", "HARRIS", "CHRIS", case="E1", system="IV-E", dob="1984-09-25"),
    )
    assert conflict(f, 0, 1) is None


def test_parent_and_child_of_the_same_name():
    f = facts(
        person("R1", "MARIA", "LOPEZ", case="D1", dob="1985-04-04"),
        person("R2", "MARIA", "LOPEZ", case="D2", role="CH", dob="2012-04-04"),
    )
    assert conflict(f, 0, 1) == "birth years a generation apart"


def test_same_ssn_outweighs_drifting_dates_but_not_a_suffix():
    f = facts(
        person("R1", "GABRIELA", "RUIZ", case="D1", dob="1969-03-24", ssn="407995408"),
        person("R2", "GABRIELA", "RUIZ", case="D2", dob="1982-03-24", ssn="407995408"),
        person("R3", "GABRIELA", "RUIZ", case="D3", suffix="JR", ssn="407995408"),
        person("R4", "GABRIELA", "RUIZ", case="D4", suffix="SR", ssn="407995408"),
    )
    assert conflict(f, 0, 1) is None
    assert conflict(f, 2, 3) == "suffix JR vs SR"


def test_two_people_of_one_case_and_different_ssns():
    f = facts(
        person("R1", "ANA", "LOPEZ", case="D1"),
        person("R2", "ANA", "LOPEZ", case="D1", role="CH"),
        person("R3", "ANA", "LOPEZ", case="D2", ssn="123456780"),
        person("R4", "ANA", "LOPEZ", case="D3", ssn="987654320"),
    )
    assert conflict(f, 0, 1) == "two people of one case"
    assert conflict(f, 2, 3) == "different SSNs"


def test_a_thin_father_cannot_be_born_after_his_childs_namesake():
    """A thin NCP (no birth date) of a case whose child was born in 2012 is not the 2010 child of
    the same name in another case."""
    f = facts(
        person("R1", "ADAM", "PHILLIPS", case="A1", system="IV-A", role="NCP"),
        person("R2", "ADAM", "PHILLIPS", case="A1", system="IV-A", role="CH", dob="2012-06-01"),
        person("R3", "ADAM", "PHILLIPS", case="A2", system="IV-A", role="CH", dob="2010-05-17"),
    )
    assert f.born_before[0] == 2000
    assert conflict(f, 0, 2) == "birth years impossible for the roles in their cases"


def test_an_absent_parent_need_only_be_older_than_one_child_of_a_tanf_case():
    """A TANF case holds the mother's children by two fathers; the thin NCP (born 2003, father of
    the 2025 baby) is not "too young" for the 2013 half-sister. The mother is older than both."""
    rows = [
        person("CP", "NATALIE", "BAILEY", case="A1", system="IV-A", role="CP", dob="1975-07-01"),
        person("CH1", "NANCY", "BAILEY", case="A1", system="IV-A", role="CH", dob="2013-07-06"),
        person("CH2", "ANDREW", "LEWIS", case="A1", system="IV-A", role="CH", dob="2025-07-14"),
        person("NCP", "ANDREW", "LEWIS", case="A1", system="IV-A", role="NCP"),
        person("D-NCP", "ANDREW", "LEWIS", case="D1", role="NCP", dob="2003-08-27"),
        person("E-CH", "ANDREW", "LEWIS", case="E1", system="IV-E", role="CH", dob="2025-07-14"),
    ]
    f = facts(*rows)
    assert f.born_before[3] == 2013 and f.born_before[0] == 2001
    assert conflict(f, 3, 4) is None
    assert conflict(f, 3, 5) == "birth years impossible for the roles in their cases"  # not his son


def test_twins_written_with_first_and_last_swapped_are_still_twins():
    f = facts(
        person("R1", "ANA", "WILLIAMS", case="D1", role="CH", dob="2024-01-07"),
        person("R2", "WILLIAMS", "ANAHI", case="A1", system="IV-A", role="CH", dob="2024-01-07"),
    )
    assert "twins" in conflict(f, 0, 1)


def test_different_sex_and_different_first_names():
    f = facts(
        person("R1", "CARLOS", "JOHNSON", case="D1", role="CH", dob="2023-12-31", sex="M"),
        person("R2", "CARLA", "JOHNSON", case="A1", role="CH", dob="2003-12-31", sex="F"),
        person("R3", "CARLOS", "JOHNSON", case="E1", role="CH", dob="2023-12-31", sex="F"),
    )
    assert conflict(f, 0, 1) == "different sex and different first names"
    assert conflict(f, 0, 2) is None  # a sex typo alone does not split a person


def test_a_thin_child_of_an_open_case_is_not_an_adult_namesake():
    f = facts(
        person("R1", "GLORIA", "RODRIGUEZ", case="D1", role="CP", dob="1990-07-13"),
        person("R2", "GLORIA", "RODRIGUEZ", case="E1", system="IV-E", role="CH"),
    )
    assert conflict(f, 0, 1) == "birth years impossible for the roles in their cases"


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_swap_is_recognized_whichever_record_comes_first(order):
    f = facts(
        person("R1", "HERRERA", "GABRIEL", case="D1", role="CH", dob="2019-10-24"),
        person("R2", "GABRIEL", "HERRERA-GARCIA", case="A1", system="IV-A", role="CH", dob="2019-10-24"),
    )
    assert conflict(f, *order) is None


def test_two_typos_of_one_ssn_on_one_birth_date_and_first_name_are_one_person():
    f = facts(
        person("A", "KEVIN", "SULLIVAN", case="D1", dob="1964-03-30", ssn="498063974"),
        person("B", "KEVIN", "SULLIVAN", case="D2", dob="1964-03-30", ssn="496064974"),
        person("C", "KEVIN", "SULLIVAN", case="D3", dob="1974-03-30", ssn="496064974"),
        person("D", "KEITH", "SULLIVAN", case="D4", dob="1964-03-30", ssn="496064975"),
    )
    assert conflict(f, 0, 1) is None  # each two digits from the other, a third record between them
    assert conflict(f, 0, 2) == "different SSNs"  # another birth date: no excuse for the number
    assert conflict(f, 0, 3) == "different SSNs"  # another first name on one birth date: twins


def test_two_whole_middle_names_are_two_people():
    f = facts(
        person("R1", "ROSA", "GARCIA", middle_name="SOFIA", case="D1", role="CH", dob="2015-01-11"),
        person("R2", "ROSA", "GARCIA", middle_name="GABRIELA", case="A1", system="IV-A", role="CH", dob="2015-01-11"),
    )
    assert conflict(f, 0, 1) == "different middle names"


@pytest.mark.parametrize(
    "first_b,middle_b",
    [
        ("ROSA", "SOFYA"),  # a typo of the middle name
        ("ROSA", "S"),  # an initial
        ("ROSA", ""),  # none recorded
        ("SOFIA", "ROSA"),  # first and middle the other way round
        ("ROSA SOFIA", "MARIA"),  # the middle name written as a second given name, a confirmation name
    ],
)
def test_what_is_not_a_middle_name_conflict(first_b, middle_b):
    f = facts(
        person("R1", "ROSA", "GARCIA", middle_name="SOFIA", case="D1", role="CH", dob="2015-01-11"),
        person("R2", first_b, "GARCIA", middle_name=middle_b, case="A1", system="IV-A", role="CH", dob="2015-01-11"),
    )
    assert conflict(f, 0, 1) is None


def two_families(mother_b: str = "RAQUEL", father_b: str = "SALVADOR", **kw) -> list[dict]:
    """JOSE GARCIA born 2023-04-01 in two IV-D cases, each naming a custodial party and an absent
    parent; the second family's parents as given."""
    return [
        person("D1-CP", "ROSA", "GARCIA", case="D1", dob="2003-10-26", ssn="739-37-2709"),
        person("D1-NCP", "JUAN", "RODRIGUEZ", case="D1", role="NCP", dob="2000-07-17", ssn="452-73-0845"),
        person("D1-CH", "JOSE", "RODRIGUEZ GARCIA", case="D1", role="CH", dob="2023-04-01"),
        person("D2-CP", mother_b, "MARTINEZ", case="D2", **kw),
        person("D2-PF", father_b, "GARCIA RIOS", case="D2", role="PF", ssn="841-68-2393"),
        person("D2-CH", "JOSE", "GARCIA", case="D2", role="CH", dob="2023-04-01"),
    ]


def test_children_of_two_families_that_share_no_parent():
    """Two boys of one common name and birthday, each in a case that names both his parents, none
    of whom could be one of the other case's: two families, whatever the score (below its bar)."""
    f = facts(*two_families(dob="1986-03-19", ssn="562-09-4532"))
    assert conflict(f, 2, 5) == OTHER_FAMILIES
    assert f.case_parents[2] == [0, 1] and f.case_parents[0] is f.case_parents[2]


@pytest.mark.parametrize(
    "mother_b,kw",
    [
        ("RAQUEL", {"dob": "2003-10-26"}),  # her first name wholly wrong, her birth date right
        ("RAQUEL", {"ssn": "739-37-2708"}),  # her number one digit off
        ("ROZA", {}),  # her first name one typo apart
        ("CAMILA", {"middle_name": "ROSA"}),  # goes by her middle name in the other case
        ("CAMILA", {"middle_name": "ROSA", "dob": "1986-03-19"}),  # and one whole value wrong: her date
        ("CAMILA", {"middle_name": "ROSA", "ssn": "562-09-4532"}),  # or her number
        ("", {}),  # no first name: nothing says she is another woman
    ],
)
def test_what_does_not_make_two_families(mother_b, kw):
    f = facts(*two_families(mother_b, **kw))
    assert conflict(f, 2, 5) is None


def test_parents_of_other_numbers_and_birth_dates_are_two_families_whatever_their_names():
    """A father who could go by his middle name (JAMES SMITH beside BRIAN JAMES SMITH) but whose
    number and birth date are both wholly different is another man: one whole value typed wrong
    happens, two on one pair of records is another family (IRMA SMITH-MEJIA of two mothers and two
    fathers, 2026-12-08)."""
    f = facts(*two_families("CAMILA", middle_name="ROSA", dob="1986-03-19", ssn="562-09-4532"))
    assert conflict(f, 2, 5) == OTHER_FAMILIES


def test_a_case_naming_one_adult_says_too_little_of_the_family():
    """A foster-care or TANF case may name only a relative caretaker or one absent parent: it does
    not place the child in another family."""
    rows = [r for r in two_families(dob="1986-03-19") if r[C.RECORD_ID] != "D2-PF"]
    f = facts(*rows)
    assert conflict(f, 2, 4) is None


def test_two_part_surnames_of_two_families():
    """CARLOS SILVA CABRERA and CARLOS CABRERA GARCIA, born one day: one's mother is the other's
    father's family; a grown man keeps his father's surname first."""
    f = facts(
        person("R1", "CARLOS", "SILVA CABRERA", case="D1", role="NCP", dob="1978-06-02", ssn="218-02-8750"),
        person("R2", "CARLOS", "CABRERA GARCIA", case="D2", role="NCP", dob="1978-06-02"),
    )
    assert conflict(f, 0, 1) == OTHER_SURNAMES


@pytest.mark.parametrize(
    "surname_b,role",
    [
        ("CABRERA SILVA", "NCP"),  # the two parts turned round
        ("CABRERA SYLVA", "NCP"),  # and one of them typed wrong
        ("SILVA GARCIA", "NCP"),  # the father's surname kept, the mother's another (a typist's, a marriage)
        ("CABRERA", "NCP"),  # one part only
        ("CABRERA GARCIA", "CH"),  # a child's surnames move between the father's and the mother's
    ],
)
def test_what_is_not_two_families_surnames(surname_b, role):
    f = facts(
        person("R1", "CARLOS", "SILVA CABRERA", case="D1", role=role, dob="1978-06-02"),
        person("R2", "CARLOS", surname_b, case="D2", role=role, dob="1978-06-02"),
    )
    assert conflict(f, 0, 1) is None
