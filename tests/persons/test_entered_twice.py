"""One person typed twice into one case is one person; twins, a JR and his SR, a mother and her
daughter of one name in one case stay two."""

from __future__ import annotations

import polars as pl
import pytest

from linkage.ingest import validate
from linkage.pipeline import cluster_persons
from linkage.standardize import standardize
from linkage.store.review import NOT_A_MATCH
from tests.conftest import person, records_frame

NO_PAIRS = pl.DataFrame(
    schema={"uid_l": pl.Int64, "uid_r": pl.Int64, "match_weight": pl.Float64, "match_probability": pl.Float64}
)


def persons_of(*rows, pairs: pl.DataFrame = NO_PAIRS) -> dict[str, int]:
    records = standardize(validate(records_frame(list(rows))).records)
    clusters, _ = cluster_persons(records, pairs, 0.9)
    return dict(zip(records["record_id"].to_list(), clusters.labels().tolist()))


def test_a_child_typed_twice_into_one_case_is_one_child():
    got = persons_of(
        person("A1-1", "MARIA", "LOPEZ", case="A1", system="IV-A"),
        person("A1-2", "JOSE", "LOPEZ", case="A1", system="IV-A", role="CH", dob="2015-04-05"),
        person("A1-3", "JOSE", "LOPEZ GARCIA", case="A1", system="IV-A", role="CH", dob="2015-04-05"),
        person("A1-4", "ANA", "LOPEZ", case="A1", system="IV-A", role="CH", dob="2015-04-05"),
    )
    assert got["A1-2"] == got["A1-3"]  # the same boy, entered twice
    assert got["A1-4"] != got["A1-2"]  # his twin sister: another first name
    assert got["A1-1"] not in (got["A1-2"], got["A1-4"])


@pytest.mark.parametrize("role, surname_b", [("NCP", "REYES"), ("CH", "LOPEZ")])
def test_the_same_number_twice_with_no_birth_date_is_one_person_too_under_another_surname(role, surname_b):
    """One first name and one SSN in a case: one person, under another surname too (a child entered
    again under the mother's)."""
    got = persons_of(
        person("D1-1", "LUIS", "REYES", role=role, ssn="412-55-1001"),
        person("D1-2", "LUIS", surname_b, role=role, ssn="412551001"),
    )
    assert got["D1-1"] == got["D1-2"]


def test_look_alikes_of_one_case_stay_apart():
    got = persons_of(
        person("D2-1", "ROBERT", "SMITH", case="D2", role="NCP", dob="1970-01-02", suffix="SR"),
        person("D2-2", "ROBERT", "SMITH", case="D2", role="CH", dob="2008-03-04", suffix="JR"),
        person("D2-3", "MARIA", "GARCIA", case="D2", role="CP", dob="1975-05-06"),
        person("D2-4", "MARIA", "GARCIA", case="D2", role="CH", dob="2009-07-08"),
        person("D2-5", "LUIS", "GARCIA", case="D2", role="CH", dob="2011-01-01", ssn="412-55-1001"),
        person("D2-6", "LUIS", "GARCIA", case="D2", role="CH", dob="2011-01-01", ssn="518-22-9090"),
    )
    assert len(set(got.values())) == 6  # different SSNs say two boys, whatever else agrees


def test_a_link_to_one_entry_is_not_held_back_by_the_other():
    """The ambiguity check would see the second entry as a rival who fits as well; it is the same child."""
    rows = [
        person("A3-1", "JOSE", "LOPEZ", case="A3", system="IV-A", role="CH", dob="2015-04-05"),
        person("A3-2", "JOSE", "LOPEZ", case="A3", system="IV-A", role="CH", dob="2015-04-05"),
        person("D3-1", "JOSE", "LOPEZ", case="D3", role="CH", dob="2015-04-05"),
    ]
    records = standardize(validate(records_frame(rows)).records)
    uid = dict(zip(records["record_id"].to_list(), records["uid"].to_list()))
    pairs = pl.DataFrame({"uid_l": [uid["A3-1"]], "uid_r": [uid["D3-1"]], "match_weight": [20.0], "match_probability": [0.999]})
    clusters, _ = cluster_persons(records, pairs, 0.9)
    labels = clusters.labels()
    assert labels[uid["A3-1"]] == labels[uid["A3-2"]] == labels[uid["D3-1"]] and not clusters.held


def test_a_twin_typed_under_the_other_twins_name_is_left_alone():
    """JAYLEN typed as JAYDEN in the TANF case looks like JAYDEN entered twice; the foster-care
    record of JAYLEN on the same birth date says a twin may be there."""
    got = persons_of(
        person("A4-1", "JAYDEN", "COLE", case="A4", system="IV-A", role="CH", dob="2016-06-07"),
        person("A4-2", "JAYDEN", "COLE", case="A4", system="IV-A", role="CH", dob="2016-06-07"),
        person("E4-1", "JAYLEN", "COLE", case="E4", system="IV-E", role="CH", dob="2016-06-07"),
    )
    assert got["A4-1"] != got["A4-2"]


def test_a_child_entered_again_under_another_surname_is_one_child():
    """The second entry under the mother's surname: same first name and birth date in one case."""
    got = persons_of(
        person("A5-1", "ROSA", "MEDINA", case="A5", system="IV-A", dob="1990-02-03"),
        person("A5-2", "LUIS", "ALVAREZ", case="A5", system="IV-A", role="CH", dob="2019-12-01"),
        person("A5-3", "LUIS", "MEDINA", case="A5", system="IV-A", role="CH", dob="2019-12-01"),
    )
    assert got["A5-2"] == got["A5-3"]
    assert got["A5-1"] != got["A5-2"]


def test_a_child_entered_again_with_the_names_turned_round_is_one_child():
    got = persons_of(
        person("D6-1", "JUAN", "WILSON ZAMORA", case="D6", role="CH", dob="2013-06-25", ssn="450-15-7165"),
        person("D6-2", "WILSON ZAMORA", "JUAN", case="D6", role="CH", dob="2013-06-25", ssn="450157165"),
    )
    assert got["D6-1"] == got["D6-2"]


def test_twins_both_typed_with_their_names_turned_round_stay_two():
    """MARTIN MIA and MARTIN MILA share a "first name" that is the case's surname: twins, not one girl."""
    got = persons_of(
        person("D7-1", "AMANDA", "MARTIN", case="D7", role="CP", dob="1990-02-03"),
        person("D7-2", "MARTIN", "MIA", case="D7", role="CH", dob="2024-10-18"),
        person("D7-3", "MARTIN", "MILA", case="D7", role="CH", dob="2024-10-18"),
    )
    assert len(set(got.values())) == 3


def test_the_case_heads_number_on_two_children_does_not_make_them_one():
    """Two boys of one name in one case both carry their mother's SSN: a household number, not theirs
    (the elder's birth date not known, so nothing else tells them apart)."""
    got = persons_of(
        person("A8-1", "PATRICIA", "HILL", case="A8", system="IV-A", dob="1974-11-12", ssn="071-50-6056"),
        person("A8-2", "DAVID", "HILL", case="A8", system="IV-A", role="CH", dob=None, ssn="071506056"),
        person("A8-3", "DAVID", "HILL", case="A8", system="IV-A", role="CH", dob="2025-11-06", ssn="071506056"),
    )
    assert len(set(got.values())) == 3


def test_a_namesake_born_the_same_day_to_other_parents_is_no_twin():
    """CYNTHIA typed twice into her IV-D case; NICOLE JOHNSON born that day is another mother's
    child (her case's parents are not this case's), so the two entries are one girl."""
    got = persons_of(
        person("D9-1", "BETTY", "JOHNSON", case="D9", role="CP", dob="1999-12-12", ssn="047-09-1996"),
        person("D9-2", "CYNTHIA", "JOHNSON", case="D9", role="CH", dob="2020-01-11"),
        person("D9-3", "CYNTHIA", "JOHNSON", case="D9", role="CH", dob="2020-01-11", ssn="144-47-3966"),
        person("D10-1", "SANDRA", "JOHNSON", case="D10", role="CP", dob="1985-03-04", ssn="301-22-4455"),
        person("D10-2", "NICOLE", "JOHNSON", case="D10", role="CH", dob="2020-01-11"),
    )
    assert got["D9-2"] == got["D9-3"]
    assert got["D10-2"] != got["D9-2"]


def test_a_twin_in_a_case_of_the_same_mother_still_holds_the_entries_apart():
    """JAYLEN's own case has his mother (a typo of her name, the same birth date): he may be the
    twin typed as JAYDEN in the TANF case, so the two JAYDENs are left alone."""
    got = persons_of(
        person("A11-1", "KAREN", "COLE", case="A11", system="IV-A", dob="1990-05-06"),
        person("A11-2", "JAYDEN", "COLE", case="A11", system="IV-A", role="CH", dob="2016-06-07"),
        person("A11-3", "JAYDEN", "COLE", case="A11", system="IV-A", role="CH", dob="2016-06-07"),
        person("D11-1", "KARIN", "COLE", case="D11", role="CP", dob="1990-05-06"),
        person("D11-2", "JAYLEN", "COLE", case="D11", role="CH", dob="2016-06-07"),
    )
    assert got["A11-2"] != got["A11-3"]


def _common(name: str, n: int = 25) -> list[dict]:
    """`n` people of this first name elsewhere: a name the file uses often."""
    return [person(f"X{name}{i}", name, f"OTHER{i}", case=f"X{name}{i}", dob="1980-01-01") for i in range(n)]


def test_a_parent_entered_twice_under_a_typo_of_his_first_name_with_one_number_and_date_is_one():
    """FRANCIZCO and FRANCISCO JUAREZ, one SSN, one birth date, both the absent parent of one case:
    two spellings made the number look shared in the case; a spelling the file almost never uses
    beside a common one is a typo."""
    got = persons_of(
        person("D1-1", "FRANCIZCO", "JUAREZ", role="NCP", dob="1989-02-02", ssn="138405280"),
        person("D1-2", "FRANCISCO", "JUAREZ", role="NCP", dob="1989-02-02", ssn="138405280"),
        *_common("FRANCISCO"),
    )
    assert got["D1-1"] == got["D1-2"]


def test_twins_a_letter_apart_with_one_number_typed_on_both_stay_two():
    """MARIA and MARIO LOPEZ, twins of one case: one's SSN typed on the other's record too. Both
    names are common in the file, so the number does not make them one."""
    got = persons_of(
        person("A1-1", "ROSA", "LOPEZ", case="A1", system="IV-A"),
        person("A1-2", "MARIA", "LOPEZ", case="A1", system="IV-A", role="CH", dob="2015-04-05", ssn="412551001"),
        person("A1-3", "MARIO", "LOPEZ", case="A1", system="IV-A", role="CH", dob="2015-04-05", ssn="412551001"),
        *_common("MARIA"),
        *_common("MARIO", 5),
    )
    assert got["A1-2"] != got["A1-3"]


@pytest.mark.parametrize("others_named_so", [0, 25])
def test_a_typo_of_the_childs_name_in_another_case_is_no_twin_but_a_common_name_is(others_named_so):
    """GLORIA typed twice into one IV-D case; her mother's other case has GLORYA of the same day. A
    spelling the file almost never uses beside a common one is GLORIA typed wrong, not a twin, so
    the two entries are one child; where the file uses GLORYA as a name too, she may be a twin."""
    got = persons_of(
        person("D2-1", "GLORIA", "RAMIREZ", case="D2", role="CH", dob="2026-09-23", ssn="457555462"),
        person("D2-2", "GLORIA", "RAMIREZ", case="D2", role="CH", dob="2026-09-23"),
        person("D1-1", "GLORYA", "RAMIREZ", case="D1", role="CH", dob="2026-09-23"),
        *_common("GLORIA"),
        *_common("GLORYA", others_named_so),
    )
    assert (got["D2-1"] == got["D2-2"]) == (others_named_so == 0)


def test_a_rare_name_that_begins_like_the_childs_is_still_a_possible_twin():
    """Twins ANA and ANA ANAHI, both typed ANA in one TANF case; foster care lists ANAHI of that day.
    ANAHI is rare beside ANA but not one edit from it: another name, so a twin may be there."""
    got = persons_of(
        person("A2-1", "ANA", "RAMIREZ", case="A2", system="IV-A", role="CH", dob="2024-04-03"),
        person("A2-2", "ANA", "RAMIREZ", case="A2", system="IV-A", role="CH", dob="2024-04-03", middle_name="ANAHI"),
        person("E1-1", "ANAHI", "RAMIREZ", case="E1", system="IV-E", role="CH", dob="2024-04-03"),
        *_common("ANA"),
    )
    assert got["A2-1"] != got["A2-2"]


@pytest.mark.parametrize(
    "first, other, sex",
    [("ESPERANZA", "E", "F"), ("JAMES", "JAMEZ", "M"), ("WILLIAM", "BILL", "M"), ("JOHN RAYMOND", "RAYMOND", "M")],
)
def test_a_parent_entered_twice_on_one_birth_date_under_an_initial_typo_nickname_or_middle_name_is_one(first, other, sex):
    """A case's two parents are not twins: one birth date and surname under an initial, a typo, a
    nickname or the middle name gone by is one parent typed twice."""
    given, middle = first.split()[0], " ".join(first.split()[1:])
    got = persons_of(
        person("E1-1", given, "GUZMAN", case="E1", system="IV-E", role="NCP", dob="1972-12-31", sex=sex, middle_name=middle),
        person("E1-2", other, "GUZMAN", case="E1", system="IV-E", role="NCP", dob="1972-12-31", sex=sex),
        person("E1-3", "LUIS", "GUZMAN", case="E1", system="IV-E", role="CH", dob="2012-01-02"),
    )
    assert got["E1-1"] == got["E1-2"] != got["E1-3"]


def test_a_mother_and_father_born_one_day_under_one_initial_stay_two():
    got = persons_of(
        person("D1-1", "M", "GARCIA", role="CP", dob="1990-03-04", sex="F"),
        person("D1-2", "MIGUEL", "GARCIA", role="NCP", dob="1990-03-04", sex="M"),
    )
    assert got["D1-1"] != got["D1-2"]


def test_twins_one_carrying_the_others_name_as_a_middle_name_stay_two_and_one_number_makes_one():
    """JOSE and JOSUE JOSE GARCIA of one birth date in one case are twins as often as one boy who goes
    by his middle name; the same SSN typed on both says one boy."""
    twins = persons_of(
        person("D1-1", "JOSE", "GARCIA", role="CH", dob="2013-08-25"),
        person("D1-2", "JOSUE", "GARCIA", role="CH", dob="2013-08-25", middle_name="JOSE", ssn="575130849"),
    )
    one = persons_of(
        person("D1-1", "RAYMOND", "FISHER", role="CH", dob="2022-06-19", ssn="517080272"),
        person("D1-2", "JOHN", "FISHER", role="CH", dob="2022-06-19", middle_name="RAYMOND", ssn="517-08-0272"),
    )
    assert twins["D1-1"] != twins["D1-2"]
    assert one["D1-1"] == one["D1-2"]


def test_a_child_entered_twice_beside_his_twin_is_one_child_though_the_twin_has_other_cases():
    """Two JAYLENs and a JAYDEN in one TANF case, JAYDEN in foster care too: JAYDEN has his own record
    in the case, so the two JAYLENs are not him typed wrong."""
    got = persons_of(
        person("A1-1", "JAYLEN", "PEREZ", case="A1", system="IV-A", role="CH", dob="2022-12-22", middle_name="MARIO"),
        person("A1-2", "JAYLEN", "PEREZ", case="A1", system="IV-A", role="CH", dob="2022-12-22"),
        person("A1-3", "JAYDEN", "PEREZ", case="A1", system="IV-A", role="CH", dob="2022-12-22", ssn="852220608"),
        person("E1-1", "JAYDEN", "PEREZ", case="E1", system="IV-E", role="CH", dob="2022-12-22"),
    )
    assert got["A1-1"] == got["A1-2"] != got["A1-3"]


def test_a_parent_entered_twice_with_a_wrong_number_is_one_but_two_children_so_stay_two():
    """ROBERT COOPER born 1985-08-22, absent parent of one case twice under two SSNs: one man. Two
    ANA GARCIAs born one day with two SSNs are two girls (twins whose second names were cut)."""
    got = persons_of(
        person("D1-1", "ROBERT", "COOPER", role="NCP", dob="1985-08-22", ssn="665598684"),
        person("D1-2", "ROBERT", "COOPER", role="NCP", dob="08/22/1985", ssn="101807824"),
        person("D1-3", "ANA", "GARCIA", role="CH", dob="2021-07-11", ssn="077418664"),
        person("D1-4", "ANA", "GARCIA", role="CH", dob="2021-07-11", ssn="655453771"),
    )
    assert got["D1-1"] == got["D1-2"]
    assert got["D1-3"] != got["D1-4"]


def test_a_reviewers_not_a_match_holds_two_entries_of_one_case_apart():
    """Two JOSE LOPEZ entries of one case born one day look entered twice; a reviewer who found two
    boys (a cousin in the household) has the last word."""
    rows = [
        person("A1-1", "JOSE", "LOPEZ", case="A1", system="IV-A", role="CH", dob="2015-04-05"),
        person("A1-2", "JOSE", "LOPEZ", case="A1", system="IV-A", role="CH", dob="2015-04-05"),
    ]
    records = standardize(validate(records_frame(rows)).records)
    reviewed = pl.DataFrame({"uid_l": [0], "uid_r": [1], "decision": [NOT_A_MATCH]})
    clusters, _ = cluster_persons(records, NO_PAIRS, 0.9, reviewed=reviewed)
    assert clusters.find(0) != clusters.find(1)


def test_twins_typed_under_one_name_stay_two_by_their_sexes_or_their_numbers():
    """ADRIAN and ADRIANA JOHNSON both typed ADRINA (one surname typed JOHNSN), a boy and a girl; MIA
    and MIA MONICA RAMIREZ with the next SSN each: twins, not one child entered twice."""
    got = persons_of(
        person("D1-1", "ADRINA", "JOHNSON", role="CH", dob="2015-03-27", sex="M", ssn="195656889"),
        person("D1-2", "ADRINA", "JOHNSN", role="CH", dob="2015-03-27", sex="F", middle_name="LINDA"),
        person("D2-1", "MIA", "RIVERA RAMIREZ", case="D2", role="CH", dob="2015-02-21", middle_name="MONICA", ssn="883356013"),
        person("D2-2", "MIA", "RAMIREZ", case="D2", role="CH", dob="2015-02-21", ssn="883-35-6014"),
    )
    assert got["D1-1"] != got["D1-2"]
    assert got["D2-1"] != got["D2-2"]


def test_one_own_number_on_both_entries_outweighs_a_possible_twin_elsewhere():
    """RICHARD SMITH twice in one foster-care case, one birth date and one SSN no one else holds;
    RONALD SMITH born that day in a case without parents on record may be a twin, but a twin typed
    under RICHARD's name would carry his own number."""
    got = persons_of(
        person("E1-1", "RICHARD", "SMITH", case="E1", system="IV-E", role="CH", dob="2017-07-01", ssn="674726852"),
        person("E1-2", "RICHARD", "SMITH", case="E1", system="IV-E", role="CH", dob="07/01/2017", ssn="674-72-6852"),
        person("A1-1", "RONALD", "SMITH", case="A1", system="IV-A", role="CH", dob="2017-07-01"),
    )
    assert got["E1-1"] == got["E1-2"] != got["A1-1"]


def test_a_parent_typed_twice_under_an_initial_with_her_own_number_is_one_person_beside_a_possible_twin():
    """ESPERANZA GUZMAN and E GUZMAN, custodial parent of one foster-care case twice, one SSN and
    one birth date: one woman. (Her number was taken for the household's, held by two first names
    of the case, and did not outweigh a possible twin elsewhere.)"""
    got = persons_of(
        person("E1-1", "ESPERANZA", "GUZMAN", case="E1", system="IV-E", ssn="743213268", dob="1972-12-30"),
        person("E1-2", "E", "GUZMAN", case="E1", system="IV-E", ssn="743-21-3268", dob="1972-12-30"),
        person("A1-1", "ELENA", "GUZMAN", case="A1", system="IV-A", dob="1972-12-30"),
        person("E1-3", "JAMES", "ROBERTS", case="E1", system="IV-E", role="NCP", dob="1971-02-06"),
        person("E1-4", "JUANA", "GUZMAN", case="E1", system="IV-E", role="CH", dob="2021-08-28"),
    )
    assert got["E1-1"] == got["E1-2"]
    assert got["E1-3"] != got["E1-1"] and got["E1-4"] != got["E1-1"]


def _other_parents(n: int) -> list[dict]:
    """`n` absent parents of other cases under names of their own: a file large enough to tell a
    rare name from a common one (`entered_twice.RARE_NAME`)."""
    letters = "BCDFGHKLMNPRSTVZ"

    def name(i: int) -> str:
        return "".join(letters[(i >> s) & 15] + "A" for s in (0, 4, 8, 12))

    return [person(f"X{i}", "ALAN", name(i), case=f"X{i}", role="NCP") for i in range(n)]


def test_an_absent_parent_entered_twice_with_only_his_name_once_is_one_man_under_a_rare_name():
    """JEFFREY JORDAN as absent parent of one TANF case twice, once with his date and number, once
    with his name alone: one man, where the file holds that name once in thousands of parents."""
    got = persons_of(
        person("A1-1", "KAREN", "JONES", case="A1", system="IV-A", dob="1994-06-15"),
        person("A1-2", "JEFFREY", "JORDAN", case="A1", system="IV-A", role="NCP", dob="1993-04-06", ssn="423642509"),
        person("A1-3", "JEFFREY", "JORDAN", case="A1", system="IV-A", role="NCP"),
        person("A1-4", "MIA", "JORDAN", case="A1", system="IV-A", role="CH", dob="2022-08-16"),
        *_other_parents(6100),
    )
    assert got["A1-2"] == got["A1-3"]


@pytest.mark.parametrize("others", [0, 6100])
def test_two_absent_parents_of_a_common_name_or_in_a_small_file_stay_two(others):
    """ROBERT SMITH twice among a TANF case's absent parents: a mother's two children may have two
    fathers of that name where the file holds it often; and a file too small to tell a rare name
    from a common one joins none."""
    common = [person(f"S{i}", "ROBERT", "SMITH", case=f"S{i}", role="NCP", dob=f"19{60 + i}-01-01") for i in range(3)]
    got = persons_of(
        person("A1-2", "ROBERT", "SMITH", case="A1", system="IV-A", role="NCP", dob="1990-03-04"),
        person("A1-3", "ROBERT", "SMITH", case="A1", system="IV-A", role="NCP"),
        *(common if others else []),
        *_other_parents(others),
    )
    assert got["A1-2"] != got["A1-3"]
