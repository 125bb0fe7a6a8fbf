import numpy as np
import pytest

from linkage.ingest import validate
from linkage.persons import Clusters, RecordFacts, apply_family_evidence, cluster_edges
from linkage.persons.constraints import TWINS
from linkage.standardize import standardize
from linkage.standardize.default_dates import DefaultDates
from tests.conftest import person, records_frame


def setup(*rows):
    records = standardize(validate(records_frame(list(rows))).records)
    return records, Clusters(RecordFacts.from_frame(records))


def edges(clusters, *triples):
    l, r, w = (np.array(x) for x in zip(*triples))
    cluster_edges(clusters, l, r, w.astype(float))
    return clusters.labels()


def test_a_thin_record_does_not_bridge_jr_and_sr():
    _, c = setup(
        person("R0", "ROBERT", "SMITH", suffix="JR", case="D1", dob="2008-01-01"),
        person("R1", "ROBERT", "SMITH", suffix="SR", case="D2", dob="1980-01-01"),
        person("R2", "ROBERT", "SMITH", case="A1", system="IV-A", role="NCP"),
    )
    labels = edges(c, (0, 2, 9.0), (1, 2, 8.0))
    assert labels[0] != labels[1]
    assert labels[2] == labels[0]  # the stronger link wins
    assert sum(c.refused.values()) == 1


def test_exact_name_links_go_before_typo_links():
    """JAYLEN's typo-level link to JAYDEN is stronger, but JAYDEN's exact-name link comes first, and
    then the twins' shared case keeps them apart."""
    _, c = setup(
        person("R0", "JAYDEN", "WOOD", case="D1", role="CH", dob="2022-09-29"),
        person("R1", "JAYLEN", "WOOD", case="D1", role="CH", dob="2022-09-29"),
        person("R2", "JAYDEN", "WOOD", case="A1", system="IV-A", role="CH", dob="2022-09-29"),
    )
    labels = edges(c, (1, 2, 12.0), (0, 2, 10.0))
    assert labels[2] == labels[0] and labels[1] != labels[0]


def _avila(juan_ssn: str = "", fernando_ssn: str = "") -> list[dict]:
    return [
        person("R0", "JUAN FERNANDO", "AVILA", case="D1", role="CH", dob="2023-09-25"),
        person("R1", "JUAN", "AVILA", case="A1", system="IV-A", role="CH", dob="2023-09-25", ssn=juan_ssn),
        person("R2", "FERNANDO", "AVILA", case="E1", system="IV-E", role="CH", dob="2023-09-25", ssn=fernando_ssn),
    ]


def test_two_given_names_in_two_programs_are_one_child_when_a_record_holds_both():
    _, c = setup(*_avila())
    labels = edges(c, (0, 1, 12.0), (0, 2, 11.0))
    assert labels[0] == labels[1] == labels[2]


def test_a_middle_name_is_a_given_name_too():
    """JUAN with middle name FERNANDO in one program, FERNANDO in another: one child."""
    rows = _avila()
    rows[0] = {**person("R0", "JUAN", "AVILA", case="D1", role="CH", dob="2023-09-25"), "middle_name": "FERNANDO"}
    _, c = setup(*rows)
    labels = edges(c, (0, 1, 12.0), (0, 2, 11.0))
    assert labels[0] == labels[1] == labels[2]


def test_twins_stay_twins_without_a_record_of_both_names_or_with_two_ssns():
    _, c = setup(*_avila()[1:])
    assert len(set(edges(c, (0, 1, 12.0)))) == 2
    _, c = setup(*_avila(juan_ssn="517676895", fernando_ssn="517676896"))
    labels = edges(c, (0, 1, 12.0), (0, 2, 11.0))
    assert labels[1] != labels[2]


def test_labels_are_the_smallest_uid_of_each_cluster():
    _, c = setup(*[person(f"R{i}", "ANA", "LOPEZ", case=f"C{i}") for i in range(4)])
    assert edges(c, (3, 1, 5.0), (2, 3, 4.0)).tolist() == [0, 1, 1, 1]


def park_family(child: str, born: str) -> list[dict]:
    """An IV-D case (SUN and JAMES PARK, child MINA) and a TANF referral of SUN PARK naming the
    father only as JIMMY PARK, for `child`: uids 0-2 the IV-D case, 3-5 the referral."""
    return [
        person("D-CP", "SUN", "PARK", case="D1", role="CP", dob="1990-01-01", ssn="123456780"),
        person("D-NCP", "JAMES", "PARK", case="D1", role="NCP", dob="1988-09-11", ssn="234567890"),
        person("D-CH", "MINA", "PARK", case="D1", role="CH", dob="2015-02-02"),
        person("A-CP", "SUN", "PARK", case="A1", system="IV-A", role="CP", dob="1990-01-01", ssn="123456780"),
        person("A-NCP", "JIMMY", "PARK", case="A1", system="IV-A", role="NCP"),
        person("A-CH", child, "PARK", case="A1", system="IV-A", role="CH", dob=born),
    ]


def test_thin_absent_parent_linked_through_the_family():
    """A TANF referral names the father only as JIMMY PARK; its children and mother are those of an
    IV-D case whose NCP is JAMES PARK: the same man."""
    records, c = setup(
        *park_family(child="MINA", born="2015-02-02"), person("X-NCP", "JIMMY", "PARK", case="A2", system="IV-A", role="NCP")
    )
    edges(c, (0, 3, 20.0), (2, 5, 15.0))
    assert apply_family_evidence(c, records) == 1
    labels = c.labels()
    assert labels[1] == labels[4]
    assert labels[6] not in (labels[1],)  # another JIMMY PARK with no shared family stays apart


@pytest.mark.parametrize(
    "first,last",
    [
        ("JIMMI", "PARK"),  # a typo of his nickname
        ("JIMMY", "PAKR LEE"),  # a typo in one of two surnames
        ("PARK", "JIM"),
    ],
)  # first and last swapped, a nickname
def test_thin_absent_parent_written_with_two_variations_is_linked_through_the_family(first, last):
    rows = park_family(child="MINA", born="2015-02-02")
    rows[4] = {**rows[4], "first_name": first, "last_name": last}
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), (2, 5, 15.0))
    apply_family_evidence(c, records)
    assert c.labels()[1] == c.labels()[4]


def test_a_typo_in_a_childs_birth_decade_does_not_make_the_father_too_young():
    """The referral types MINA's 2015 as 2005; the father, born 1996, would be "born after" a 2005
    child of his case. MINA's IV-D record says 2015, and the person's latest birth year counts."""
    rows = park_family(child="MINA", born="2005-02-02")
    rows[1] = {**rows[1], "dob": "1996-09-11"}
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), (2, 5, 15.0))
    apply_family_evidence(c, records)
    assert c.labels()[1] == c.labels()[4]


def one_parent_of_one_child(d_parent: dict, a_parent: dict, child: tuple[str, str, str]) -> bool:
    """A parent record of a IV-D case and one of a TANF case, each case with a record of one child
    (first, last, birth date) linked across: whether family evidence makes the two parents one."""
    first, last, born = child
    records, c = setup(
        {**d_parent, "case_id": "D1", "source_system": "IV-D"},
        person("D-CH", first, last, case="D1", role="CH", dob=born),
        {**a_parent, "case_id": "A1", "source_system": "IV-A"},
        person("A-CH", first, last, case="A1", system="IV-A", role="CH", dob=born),
    )
    edges(c, (1, 3, 15.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    return bool(labels[0] == labels[2])


def test_family_evidence_never_overrides_a_conflict():
    assert not one_parent_of_one_child(
        person("D-NCP", "JAMES", "PARK", role="NCP", ssn="234567890"),
        person("A-NCP", "JIMMY", "PARK", role="NCP", ssn="987654320"),
        ("MINA", "PARK", "2015-02-02"),
    )


def test_ties_are_broken_the_same_way_whatever_the_edge_order():
    rows = [
        person("R0", "ANA", "LOPEZ", case="C0", dob="2010-01-01"),
        person("R1", "ANA", "LOPEZ", case="C1", dob="2010-01-01", suffix="JR"),
        person("R2", "ANA", "LOPEZ", case="C2", dob="2010-01-01", suffix="SR"),
    ]
    first = edges(setup(*rows)[1], (0, 1, 5.0), (0, 2, 5.0))
    second = edges(setup(*rows)[1], (0, 2, 5.0), (0, 1, 5.0))
    assert first.tolist() == second.tolist() == [0, 0, 2]


def test_a_child_without_ssn_or_dob_is_found_through_its_mother():
    """The same mother (same SSN) in two cases; the child without a date of birth in one case has
    the same name as the child in the other: one child. Its sibling with another name is not."""
    records, c = setup(
        person("D-CP", "ROSA", "DIAZ", case="D1", role="CP", ssn="123456780"),
        person("D-CH", "LUIS", "DIAZ", case="D1", role="CH", dob="2016-09-03"),
        person("D-CH2", "LUISA", "DIAZ", case="D1", role="CH", dob="2018-01-01"),
        person("E-CP", "ROSA", "DIAZ", case="E1", system="IV-E", role="CP", ssn="123456780"),
        person("E-CH", "LUIS", "DIAZ", case="E1", system="IV-E", role="CH"),
    )
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] == labels[4] and labels[2] != labels[4]


def test_a_child_whose_day_of_birth_differs_is_found_through_its_mother_in_the_same_month():
    """The day left at the 1st in one program: the same month, the same first name, one mother. A
    sister born another month (or year) under that name stays apart."""
    records, c = setup(
        person("D-CP", "ROSA", "DIAZ", case="D1", role="CP", ssn="123456780"),
        person("D-CH", "ANGELICA", "DIAZ", case="D1", role="CH", dob="2025-07-16"),
        person("D-CH2", "MARIA", "DIAZ", case="D1", role="CH", dob="2019-02-11"),
        person("E-CP", "ROSA", "DIAZ", case="E1", system="IV-E", role="CP", ssn="123456780"),
        person("E-CH", "ANGELICA", "DIAZ", case="E1", system="IV-E", role="CH", dob="2025-07-01"),
        person("E-CH2", "MARIA", "DIAZ", case="E1", system="IV-E", role="CH", dob="2016-08-23"),
    )
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] == labels[4] and labels[2] != labels[5]


def test_family_evidence_does_not_guess_between_two_siblings_of_one_name():
    records, c = setup(
        person("A-CP", "ROSA", "DIAZ", case="A1", system="IV-A", role="CP", ssn="123456780"),
        person("A-CH1", "JOSE", "DIAZ", case="A1", system="IV-A", role="CH", dob="2011-03-07"),
        person("A-CH2", "JOSE", "DIAZ", case="A1", system="IV-A", role="CH", dob="2014-05-05"),
        person("D-CP", "ROSA", "DIAZ", case="D1", role="CP", ssn="123456780"),
        person("D-CH", "JOSE", "DIAZ", case="D1", role="CH"),
    )
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[4] not in (labels[1], labels[2])


def test_a_reviewed_not_a_match_is_not_bridged_by_a_third_record():
    _, c = setup(
        person("R0", "MARIA", "GARCIA", case="D1", dob="1990-01-01"),
        person("R1", "MARIA", "GARCIA", case="A1", system="IV-A", dob="1990-01-01"),
        person("R2", "MARIA", "GARCIA", case="E1", system="IV-E"),
    )
    c.keep_apart([0], [1])
    labels = edges(c, (0, 1, 20.0), (0, 2, 9.0), (1, 2, 8.0))
    assert labels[0] != labels[1] and labels[2] == labels[0]
    assert c.refused["a reviewer decided: not a match"] == 2


def test_a_reviewed_match_goes_first_but_not_past_a_never_merge_rule():
    _, c = setup(
        person("R0", "ROBERT", "SMITH", suffix="JR", case="D1", dob="2008-01-01"),
        person("R1", "BOB", "SMYTHE", case="A1", system="IV-A", role="NCP"),
        person("R2", "ROBERT", "SMITH", suffix="SR", case="D2", dob="1980-01-01"),
    )
    labels = edges(c, (1, 2, 12.0), (0, 1, float("inf")), (0, 2, float("inf")))
    assert labels[0] == labels[1]  # the reviewer's match, before the stronger score to R2
    assert labels[2] != labels[0]  # JR and SR: no reviewer can make them one


def test_fathers_of_two_cases_of_one_mother_with_no_child_in_common():
    """A TANF referral for a newborn: the mother is the IV-D case's CP, the child is new, and the
    absent father's name agrees with the IV-D case's NCP."""
    records, c = setup(
        *park_family(child="JOON", born="2026-02-02"),
        person("A2-CP", "SUN", "PARK", case="A2", system="IV-A", role="CP", dob="1990-01-01", ssn="123456780"),
        person("A2-NCP", "MIN", "CHO", case="A2", system="IV-A", role="NCP"),
    )
    edges(c, (0, 3, 20.0), (0, 6, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] == labels[4]  # JIMMY = JAMES PARK through the mother
    assert labels[7] != labels[1]  # her other child's father, another name, stays another man


def test_the_cycle_collector_is_paused_only_while_clustering():
    import gc

    from linkage.persons import cyclic_gc_paused

    assert gc.isenabled()
    try:
        with cyclic_gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("a failure inside")
    except RuntimeError:
        pass
    assert gc.isenabled()  # back on after a failure too
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()  # a caller's own choice is left alone
    finally:
        gc.enable()

    @cyclic_gc_paused()
    def clustering() -> bool:
        return gc.isenabled()

    assert clustering() is False and gc.isenabled()  # as a decorator, each call


def test_a_child_who_goes_by_the_middle_name_is_found_through_its_mother():
    """CARLOS ANDRES in child support is ANDRES in the TANF case of the same mother, same birth date:
    one boy (his sister, another name on another date, is not)."""
    records, c = setup(
        person("D-CP", "ROSA", "DIAZ", case="D1", role="CP", ssn="123456780"),
        {**person("D-CH", "CARLOS", "DIAZ", case="D1", role="CH", dob="2016-09-03"), "middle_name": "ANDRES"},
        person("D-CH2", "ANDREA", "DIAZ", case="D1", role="CH", dob="2018-01-01"),
        person("A-CP", "ROSA", "DIAZ", case="A1", system="IV-A", role="CP", ssn="123456780"),
        person("A-CH", "ANDRES", "DIAZ", case="A1", system="IV-A", role="CH", dob="2016-09-03"),
    )
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] == labels[4] and labels[2] != labels[4]


def test_overwhelming_agreement_outweighs_one_wholly_wrong_field_but_never_a_rule_about_people():
    """Two different SSNs are strong evidence of two people, not proof: one of them may be another
    person's number typed in. A link whose weight stays overwhelming after the model's own penalty
    for the SSNs is taken; a weaker one is not; twins stay twins whatever the weight."""
    rows = [
        person("D1-1", "LUCIA", "MENDEZ", case="D1", dob="1984-03-09", ssn="412-55-1001", street="9 ELM ST"),
        person("A1-1", "LUCIA", "MENDEZ", case="A1", system="IV-A", dob="1984-03-09", ssn="518-22-9090", street="9 ELM ST"),
        person("D2-1", "PAULA", "RIOS", case="D2", dob="1980-01-01", ssn="412-55-2002"),
        person("A2-1", "PAULA", "RIOS", case="A2", system="IV-A", dob="1980-01-01", ssn="518-22-3003"),
        person("D3-1", "JAYDEN", "COLE", case="D3", role="CH", dob="2016-06-07"),
        person("A3-1", "ETHAN", "COLE", case="A3", system="IV-A", role="CH", dob="2016-06-07"),
    ]
    records, c = setup(*rows)
    labels = edges(c, (0, 1, 12.0), (2, 3, 6.0), (4, 5, 30.0))
    assert labels[0] == labels[1]  # outweighed
    assert labels[2] != labels[3] and c.refused["different SSNs"] == 1  # not overwhelming
    assert labels[4] != labels[5]  # same birth date, other first names: twins, whatever the score


def test_two_wholly_wrong_fields_at_once_are_two_people_whatever_the_weight():
    """A link may outweigh one field that is wholly wrong, not two: a different SSN and birth years a
    generation apart on one pair is a father and son of one name, not a typist's error."""
    rows = [
        person("D1-1", "RAUL", "SOTO", case="D1", dob="1961-04-02", ssn="412-55-1001"),
        person("A1-1", "RAUL", "SOTO", case="A1", system="IV-A", dob="1988-04-02", ssn="518-22-9090"),
    ]
    records, c = setup(*rows)
    labels = edges(c, (0, 1, 25.0))
    assert labels[0] != labels[1]


def test_an_ssn_one_typo_away_outweighs_a_replaced_first_name_but_not_the_next_number():
    """Twins get the next numbers (serials one or two apart); an SSN one digit off elsewhere is the
    same number mistyped, and the record is the same person under a wrongly typed first name."""
    rows = [
        person("D1-1", "MADDISON", "QUILLIAM", case="D1", dob="1946-07-30", ssn="106-40-8479"),
        person("A1-1", "ASHLEIGH", "QUILLIAM", case="A1", system="IV-A", dob="1946-07-30", ssn="106-40-8579"),
        person("D2-1", "JAYDEN", "COLE", case="D2", role="CH", dob="2016-06-07", ssn="412-55-1001"),
        person("A2-1", "ETHAN", "COLE", case="A2", system="IV-A", role="CH", dob="2016-06-07", ssn="412-55-1002"),
    ]
    records, c = setup(*rows)
    labels = edges(c, (0, 1, 10.0), (2, 3, 30.0))
    assert labels[0] == labels[1]
    assert labels[2] != labels[3] and c.refused[TWINS] == 1


def test_a_parents_ssn_on_a_childs_record_does_not_make_them_one_person():
    """ANA GARCIA (born 1984) and her daughter ANA ADRIANA, whose record carries the mother's SSN:
    one number, but a child and a parent a generation apart (or, without the child's birth date,
    as far apart as their cases put them)."""
    rows = [
        person("A-CP", "ANA", "GARCIA", case="A1", system="IV-A", dob="1984-01-04", ssn="652-06-2284"),
        person("D-CH", "ANA ADRIANA", "RAMOS GARCIA", case="D1", role="CH", dob="2013-06-23", ssn="652-06-2284"),
        person("D-CP", "MARIA", "GARCIA", case="D2", dob="1990-03-03", ssn="111-22-3333"),
        person("D-CH2", "MARIA", "GARCIA", case="D2", role="CH", dob="2012-05-05"),
        person("A-CH2", "MARIA", "GARCIA", case="A2", system="IV-A", role="CH", ssn="111-22-3333"),
    ]
    records, c = setup(*rows)
    labels = edges(c, (0, 1, 12.0), (2, 4, 12.0))
    assert labels[0] != labels[1]
    assert labels[2] != labels[4]  # the child of case A2 has no birth date; its case says it is the child


def test_two_middle_names_keep_namesakes_of_one_birthday_apart_unless_the_rest_overwhelms():
    """ROSA SOFIA and ROSA GABRIELA GARCIA, born the same day in two families: a thin ROSA GARCIA
    record links to each (name and date), and must not bridge them. A middle name can be typed
    wrong, so a link that overwhelms (the same SSN and address) still joins two such records."""
    ssn = "518-22-9090"
    rows = [
        person("D1-1", "ROSA", "GARCIA", middle_name="SOFIA", case="D1", role="CH", dob="2015-01-11"),
        person("A1-1", "ROSA", "GARCIA", case="A1", system="IV-A", role="CH", dob="2015-01-11"),
        person("D2-1", "ROSA", "GARCIA", middle_name="GABRIELA", case="D2", role="CH", dob="2015-01-11"),
        person("D3-1", "ANA", "LOPEZ", middle_name="MARIA", case="D3", role="CH", dob="2016-02-02", ssn=ssn),
        person("A3-1", "ANA", "LOPEZ", middle_name="ISABEL", case="A3", system="IV-A", role="CH", dob="2016-02-02", ssn=ssn),
    ]
    _, c = setup(*rows)
    labels = edges(c, (0, 1, 5.0), (1, 2, 4.5), (3, 4, 20.0))
    assert labels[0] == labels[1] != labels[2]
    assert c.refused["different middle names"] == 1
    assert labels[3] == labels[4]  # outweighed


def test_children_of_two_families_stay_apart_unless_a_third_case_ties_the_families_or_the_rest_overwhelms():
    """MARIA RUIZ of a foster-care case naming two absent parents (JUAN RUIZ, ERNESTO) and of a
    IV-D case alleging another man (JOSE RAFAEL) with her mother GABRIELA: no parent in common, two
    families. Her third record, in a IV-D case of JUAN RUIZ and GABRIELA, ties the two: one girl.
    Two JOSE GARCIAs of one birthday in families with no parent in common stay two boys, unless the
    link overwhelms (a shared address and every name) past the rule's bar."""
    rows = [
        person("E1-N1", "JUAN", "RUIZ", case="E1", system="IV-E", role="NCP"),
        person("E1-N2", "ERNESTO", "GONZALEZ", case="E1", system="IV-E", role="NCP", dob="1998-11-26"),
        person("E1-CH", "MARIA", "RUIZ RODRIGUEZ", case="E1", system="IV-E", role="CH", dob="2018-06-28"),
        person("D2-PF", "JOSE RAFAEL", "RODRIGUEZ ZAMORA", case="D2", role="PF", dob="1992-01-07"),
        person("D2-CP", "GABRIELA", "RODRIGUEZ", case="D2", dob="2000-11-11"),
        person("D2-CH", "MARIA", "RODRIGUEZ", case="D2", role="CH", dob="2018-06-28"),
        person("D3-N", "JUAN", "RUIZ", case="D3", role="NCP", dob="1993-07-11"),
        person("D3-CP", "GABRIELA", "RODRIGUEZ", case="D3", dob="2000-11-11", ssn="549-22-4462"),
        person("D3-CH", "MARIA", "RUIZ RODRIGUEZ", case="D3", role="CH", dob="2018-06-28"),
        person("D4-CP", "ROSA", "GARCIA", case="D4", dob="2003-10-26"),
        person("D4-N", "LUIS", "ORTIZ", case="D4", role="NCP"),
        person("D4-CH", "JOSE", "GARCIA", case="D4", role="CH", dob="2020-08-27"),
        person("D5-CP", "YOLANDA", "AVILA", case="D5", dob="1985-09-12"),
        person("D5-N", "JAMES", "MARTIN", case="D5", role="NCP"),
        person("D5-CH", "JOSE", "GARCIA", case="D5", role="CH", dob="2020-08-27"),
        person("D6-CP", "ANA", "REYES", case="D6"),
        person("D6-N", "PAUL", "LEE", case="D6", role="NCP"),
        person("D6-CH", "JOSE", "GARCIA", case="D6", role="CH", dob="2020-08-27"),
    ]
    _, c = setup(*rows)
    labels = edges(c, (2, 8, 9.0), (8, 5, 8.0), (2, 5, 7.0), (11, 14, 6.0), (11, 17, 13.0))
    assert labels[2] == labels[8] == labels[5]
    assert labels[11] != labels[14] and c.refused["children of two families that share no parent"] == 1
    assert labels[11] == labels[17]  # outweighed


def _sanchez_children(first_brother: str = "JOSE", other_mother_ssn: str = "") -> list[dict]:
    """LUIS SANCHEZ born on one day in a foster-care case that names no parent, with his brothers and
    sister, and in a IV-D case of GABRIELA LOPEZ with hers."""
    return [
        person("E1-1", "LUIS", "SANCHEZ MORENO", case="E1", system="IV-E", role="CH", dob="2015-12-01"),
        person("E1-2", first_brother, "SANCHEZ MORENO", case="E1", system="IV-E", role="CH", dob="2010-05-22"),
        person("E1-3", "RICARDO", "SANCHEZ", case="E1", system="IV-E", role="CH", dob="2009-03-04"),
        person("E1-4", "MARIA", "SANCHEZ MORENO", case="E1", system="IV-E", role="CH", dob="2022-08-14"),
        person("E1-5", "ROSA", "MORENO", case="E1", system="IV-E", role="CP", ssn=other_mother_ssn),
        person("D1-1", "GABRIELA", "LOPEZ", case="D1", dob="1982-02-24", ssn="891-46-5860"),
        person("D1-2", "LUIZ", "SANCHEZ", case="D1", role="NCP"),
        person("D1-3", "MIGUEL", "RUIZ", case="D1", role="CH", dob="2023-12-27"),
        person("D1-4", "VERONICA", "SANCHEZ", case="D1", role="CH", dob="2020-08-14"),
        person("D1-5", "LUIS", "SANCHEZ", case="D1", role="CH", dob="2015-12-01"),
    ]


def test_children_of_two_cases_that_share_no_other_child_stay_apart_unless_the_link_overwhelms():
    """Two LUIS SANCHEZ of one birthday: his case's brothers and sister could be none of the other
    case's children, so a link of names and date alone (4.5 bits) is two boys; a link of 20 bits
    (a shared number and address too) outweighs it."""
    _, c = setup(*_sanchez_children())
    labels = edges(c, (0, 9, 4.5))
    assert labels[0] != labels[9] and c.refused["children of two cases that share no other child"] == 1
    _, c = setup(*_sanchez_children())
    labels = edges(c, (0, 9, 20.0))
    assert labels[0] == labels[9]


@pytest.mark.parametrize(
    "first_brother, other_mother_ssn",
    [("VERONICA", ""), ("", "891465860")],
    ids=["a sibling who could be one of the other case's", "one mother by her number"],
)
def test_children_of_two_cases_with_a_sibling_or_the_mother_in_common_are_not_held_apart(first_brother, other_mother_ssn):
    """A sister of one case could be the other's (VERONICA, no date against it), or the two cases'
    mothers carry one number (one woman's cases of two fathers' children): the children say nothing."""
    rows = _sanchez_children(first_brother or "JOSE", other_mother_ssn)
    if first_brother:
        rows[1] = {**rows[1], "dob": None, "sex": None}
    _, c = setup(*rows)
    labels = edges(c, (0, 9, 4.5))
    assert labels[0] == labels[9]


def mother_in_two_cases(d1: list[dict], e1: list[dict]) -> list[dict]:
    """ROSA DIAZ (one SSN) as custodial party of a IV-D and a IV-E case, with the children given."""
    return [
        person("D-CP", "ROSA", "DIAZ", case="D1", role="CP", ssn="123456780"),
        *[{**r, "case_id": "D1"} for r in d1],
        person("E-CP", "ROSA", "DIAZ", case="E1", system="IV-E", role="CP", ssn="123456780"),
        *[{**r, "case_id": "E1", "source_system": "IV-E"} for r in e1],
    ]


@pytest.mark.parametrize("thin_first", ["JOZE", "JOSE LUIS", "J", "LUIS"])
def test_a_thin_child_whose_first_name_is_typed_otherwise_is_found_through_its_mother(thin_first):
    """Without a birth date or SSN on one record, a typo of the first name (JOZE), a second given
    name (JOSE LUIS), an initial or the middle name used as the first (LUIS for JOSE LUIS) is the
    same child of one mother when no other child of hers fits."""
    rows = mother_in_two_cases(
        [person("D-CH", "JOSE", "DIAZ", role="CH", middle_name="LUIS", dob="2016-09-03")],
        [person("E-CH", thin_first, "DIAZ", role="CH")],
    )
    records, c = setup(*rows)
    edges(c, (0, 2, 20.0))
    apply_family_evidence(c, records)
    assert c.labels()[1] == c.labels()[3]


def test_a_mothers_sons_by_two_fathers_are_not_one_child_by_a_shared_given_name():
    """JUAN LOPEZ DIAZ of ROSA's case with PEDRO LOPEZ, and a thin JUAN FRANCISCO REYES DIAZ of her
    case with MARIO REYES: the absent parents are two other men, so the boys are half-brothers."""
    rows = mother_in_two_cases(
        [
            person("D-NCP", "PEDRO", "LOPEZ", role="NCP", dob="1980-04-04"),
            person("D-CH", "JUAN", "LOPEZ DIAZ", role="CH", dob="2015-03-03"),
        ],
        [
            person("E-NCP", "MARIO", "REYES", role="NCP", dob="1985-05-05"),
            person("E-CH", "JUAN FRANCISCO", "REYES DIAZ", role="CH"),
        ],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    assert c.labels()[2] != c.labels()[5]


@pytest.mark.parametrize("year_only,same", [("2008-01-01", True), ("2019-01-01", False)])
def test_a_year_only_birth_date_still_tells_a_mothers_children_apart_by_year(year_only, same):
    """A file that types January 1st for "year unknown" keeps the year: JOSE born 2008 and a JOSE
    entered as 2019-01-01 are a mother's two sons, not one boy with no date."""
    rows = mother_in_two_cases(
        [person("D-CH", "JOSE", "DIAZ", role="CH", dob="2008-02-01")],
        [person("E-CH", "JOSE", "DIAZ", role="CH", dob=year_only)],
    )
    records, _ = setup(*rows)
    records, _ = DefaultDates(year_only=frozenset({"0101"})).apply(records)
    c = Clusters(RecordFacts.from_frame(records))
    edges(c, (0, 2, 20.0))
    apply_family_evidence(c, records)
    assert bool(c.labels()[1] == c.labels()[3]) is same


def test_a_thin_child_whose_given_names_fit_two_brothers_is_left_alone():
    """A thin LUIS JOSE in the IV-D case; the TANF case holds a LUIS and a JOSE of that mother: either
    could be him (a second given name each), so family evidence does not guess."""
    rows = mother_in_two_cases(
        [person("D-CH", "LUIS JOSE", "SERRANO VASQUEZ", role="CH")],
        [
            person("E-CH1", "LUIS", "SERRANO", role="CH", dob="2008-03-03"),
            person("E-CH2", "JOSE", "VASQUEZ", role="CH", dob="2011-06-16"),
        ],
    )
    records, c = setup(*rows)
    edges(c, (0, 2, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] not in (labels[3], labels[4])


@pytest.mark.parametrize(
    "tanf_father,same",
    [
        ("", True),  # the TANF case names no absent parent: JOSE GARCIA is her son JOSE LOPEZ
        ("PEDRO LOPEZ", True),  # it names his father
        ("MARIO PEREZ", False),  # it names another man: JOSE PEREZ would be his son; JOSE GARCIA, whose?
    ],
)
def test_a_thin_child_under_its_mothers_surname_is_found_through_her(tanf_father, same):
    """JOSE LOPEZ of ROSA GARCIA's IV-D case with PEDRO LOPEZ, and a thin JOSE GARCIA of her TANF
    case: a child under its father's surname in one program and its mother's in another."""
    tanf = [person("A-CH", "JOSE", "GARCIA", role="CH")]
    if tanf_father:
        first, last = tanf_father.split()
        tanf.append(person("A-NCP", first, last, role="NCP", dob="1980-04-04" if last == "LOPEZ" else "1975-01-01"))
    rows = [
        person("D-CP", "ROSA", "GARCIA", case="D1", ssn="123456780"),
        person("D-NCP", "PEDRO", "LOPEZ", case="D1", role="NCP", dob="1980-04-04"),
        person("D-CH", "JOSE", "LOPEZ", case="D1", role="CH", dob="2015-03-03"),
        person("A-CP", "ROSA", "GARCIA", case="A1", system="IV-A", ssn="123456780"),
        *[{**r, "case_id": "A1", "source_system": "IV-A"} for r in tanf],
    ]
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), *([(1, 5, 20.0)] if tanf_father == "PEDRO LOPEZ" else []))
    apply_family_evidence(c, records)
    assert bool(c.labels()[2] == c.labels()[4]) is same


def mother_in_three_programs(a1: list[dict], d1: list[dict], e1: list[dict]) -> list[dict]:
    """ROSA DIAZ (one SSN) as custodial party in TANF, IV-D and foster care, with the children given."""
    return [
        person("A-CP", "ROSA", "DIAZ", case="A1", system="IV-A", role="CP", ssn="123456780"),
        *[{**r, "case_id": "A1", "source_system": "IV-A"} for r in a1],
        *mother_in_two_cases(d1, e1),
    ]


def test_a_child_seen_in_three_programs_joins_when_two_records_share_the_birth_date():
    """JUAN with a birth date in TANF, JUAJN JOSE with none in IV-D, JUAN JOSE with the same date in
    foster care: each record fits both others, which used to read as two brothers fitting one
    record and left all three apart. Same-day partners join first, the thin one next."""
    rows = mother_in_three_programs(
        [person("A-CH", "JUAN", "DIAZ", role="CH", dob="2008-11-09"), person("A-CH2", "ELIZABETH", "DIAZ", role="CH")],
        [person("D-CH", "JUAJN JOSE", "DIAZ", role="CH")],
        [person("E-CH", "JUAN JOSE", "DIAZ", role="CH", dob="2008-11-09")],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), (0, 5, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] == labels[4] == labels[6] and labels[2] != labels[1]


def test_a_record_born_the_day_of_two_twins_who_both_fit_it_is_left_alone():
    """Twins JUAN CARLOS and JUAN JOSE in TANF; foster care's JUAN of the same birth date fits both."""
    rows = mother_in_three_programs(
        [
            person("A-CH", "JUAN CARLOS", "DIAZ", role="CH", dob="2008-11-09"),
            person("A-CH2", "JUAN JOSE", "DIAZ", role="CH", dob="2008-11-09"),
        ],
        [],
        [person("E-CH", "JUAN", "DIAZ", role="CH", dob="2008-11-09")],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), (0, 4, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[5] not in (labels[1], labels[2]) and labels[1] != labels[2]


def test_a_parent_of_one_child_under_two_first_names_and_one_birth_date_is_one_parent():
    """BARBARA MILLER in IV-D and MARY MILLER in TANF, one birth date, custodial party of the same
    child in both: twins do not both parent one child, so the twins rule stands down for her."""
    assert one_parent_of_one_child(
        person("D-CP", "BARBARA", "MILLER", role="CP", dob="2001-12-27"),
        person("A-CP", "MARY", "MILLER", role="CP", dob="2001-12-27"),
        ("JAMES", "MEDINA", "2021-05-10"),
    )


@pytest.mark.parametrize(
    "surname,one",
    [
        ("HERNANDEZ IBARRA", False),  # another mother's son: two men (2026-12-08)
        ("HERNANDEZ TORES", True),  # the mother's surname typed wrong
        ("HERNANDEZ TO", True),  # cut by a fixed-width field
        ("HERNANDEZ", True),  # one surname only
    ],
)
def test_fathers_of_one_mothers_cases_whose_second_surnames_are_two_mothers_are_two_men(surname, one):
    """Two cases of one mother with no child in common name JOSE HERNANDEZ TORRES and JOSE
    HERNANDEZ <surname>, thin: one father's surname (HERNANDEZ) and two mothers' are two men; a typo
    or a cut field is one."""
    rows = mother_in_two_cases(
        [
            person("D-NCP", "JOSE", "HERNANDEZ TORRES", role="NCP"),
            person("D-CH", "LUIS", "HERNANDEZ DIAZ", role="CH", dob="2016-09-03"),
        ],
        [
            person("E-NCP", "JOSE", surname, role="NCP", dob="1963-10-06"),
            person("E-CH", "OSCAR", "HERNANDEZ DIAZ", role="CH", dob="2021-01-05"),
        ],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert (labels[1] == labels[4]) == one


@pytest.mark.parametrize("shared_child", [True, False])
def test_fathers_born_the_same_day_under_two_first_names_stay_apart_without_a_child_in_common(shared_child):
    """Two cases of one mother with no child in common name RICHARD and JAMES SMITH, born the same
    day: her children's fathers may be two men (twins, even), so only a shared child lets the
    twins rule stand down."""
    other = ("LUIS", "2016-09-03") if shared_child else ("ANA", "2019-01-05")
    rows = mother_in_two_cases(
        [
            person("D-NCP", "RICHARD", "SMITH", role="NCP", dob="1987-08-31"),
            person("D-CH", "LUIS", "SMITH", role="CH", dob="2016-09-03"),
        ],
        [
            person("E-NCP", "JAMES", "SMITH", role="NCP", dob="1987-08-31"),
            person("E-CH", other[0], "SMITH", role="CH", dob=other[1]),
        ],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert (labels[1] == labels[4]) == shared_child


@pytest.mark.parametrize("first, one", [("VERONICA", True), ("ISABEL", False)])
def test_a_parent_of_one_child_with_two_ssns_and_one_birth_date_is_one_parent_unless_the_name_differs_too(first, one):
    """VERONICA RAMOS (IV-D) and VERONICA AVILA MORENO (TANF), one birth date, two SSNs, mother of
    one child in both: one SSN typed wholly wrong. With the first name different as well, two
    fields would be wholly wrong at once: two people."""
    got = one_parent_of_one_child(
        person("D-CP", "VERONICA", "RAMOS", role="CP", dob="1997-04-24", ssn="057267502"),
        person("A-CP", first, "AVILA MORENO", role="CP", dob="1997-04-24", ssn="085525221"),
        ("JAMES", "MEDINA", "2021-05-10"),
    )
    assert got == one


def test_a_parents_excuse_covers_only_the_difference_the_two_records_themselves_carry():
    """MARY WILLIAMS of one child's IV-D and TANF cases, one birth date: her thin TANF record was
    first linked to another MARY WILLIAMS born that day with another SSN. The two records of the
    child's mother do not differ in SSN, so nothing excuses the other woman's number: apart."""
    records, c = setup(
        person("D-CP", "MARY", "WILLIAMS", case="D1", role="CP", dob="1998-09-21", ssn="899323480"),
        person("D-CH", "DOROTHY", "COOPER", case="D1", role="CH", dob="2015-08-24"),
        person("A-CP", "MARY", "WILLIAMS", case="A1", system="IV-A", role="CP", dob="1998-09-21"),
        person("A-CH", "DOROTHY", "COOPER", case="A1", system="IV-A", role="CH", dob="2015-08-24"),
        person("X-CP", "MARY", "WILLIAMS", case="A2", system="IV-A", role="CP", dob="1998-09-21", ssn="361819252"),
        person("X-CH", "DONALD", "JOHNSON", case="A2", system="IV-A", role="CH", dob="2025-11-30"),
    )
    edges(c, (1, 3, 20.0), (2, 4, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[2] == labels[4] and labels[0] != labels[4]


def test_a_record_born_the_day_of_twins_listed_in_two_cases_is_left_alone():
    """Twins JUAN CARLOS (TANF) and JUAN JOSE (IV-D) of one mother, each listed in one case only;
    foster care's JUAN of that day fits both, and each twin fits it and the other: same-day partners
    in two clusters, so family evidence joins none of the three."""
    rows = mother_in_three_programs(
        [person("A-CH", "JUAN CARLOS", "DIAZ", role="CH", dob="2008-11-09")],
        [person("D-CH", "JUAN JOSE", "DIAZ", role="CH", dob="2008-11-09")],
        [person("E-CH", "JUAN", "DIAZ", role="CH", dob="2008-11-09")],
    )
    records, c = setup(*rows)
    edges(c, (0, 2, 20.0), (0, 4, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert len({labels[1], labels[3], labels[5]}) == 3


@pytest.mark.parametrize(
    "extra, one",
    [
        ([], True),
        ([person("E-X", "ANA", "CAMACHO", role="CH")], False),  # a child without a date: maybe the twin
        ([person("E-X", "ANA", "CAMACHO", role="CH", dob="2008-09-18")], False),  # a date one typo from it
        ([person("E-X", "FRANCISCO", "CAMACHO", role="CH", dob="2008-09-19")], False),  # both twins listed
    ],
)
def test_the_only_child_of_the_day_in_two_cases_of_one_mother_is_one_child_under_a_wholly_other_name(extra, one):
    """FRANCISCO in the IV-D case, JESUS in the foster-care case, both CAMACHO born 2008-09-19, the
    only child of that day in each case of one mother who share LUIS too: the first name was typed
    wholly wrong in one program. Not where the other case holds a child without a birth date, or
    one a typo from that day, or both twins."""
    rows = mother_in_two_cases(
        [
            person("D-CH", "LUIS", "CAMACHO", role="CH", dob="2010-11-01"),
            person("D-TW", "FRANCISCO", "CAMACHO", role="CH", dob="2008-09-19"),
        ],
        [
            person("E-CH", "LUIS", "CAMACHO", role="CH", dob="2010-11-01"),
            person("E-TW", "JESUS", "CAMACHO", role="CH", dob="2008-09-19"),
            *extra,
        ],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), (1, 4, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert (labels[2] == labels[5]) == one


@pytest.mark.parametrize("dated", [False, True])
def test_an_undated_sibling_both_cases_list_does_not_hold_the_only_child_of_the_day_back(dated):
    """HEATHER without a birth date in the foster-care case is already one girl with HEATHER of the
    IV-D case: she is no twin of the boy born that day, so GEORGE and JOHN WILLIAMS are one child.
    A sibling born that very day is another matter: twins, whoever else is linked."""
    rows = mother_in_two_cases(
        [
            person("D-CH", "HEATHER", "WILLIAMS", role="CH", dob="2022-12-14", ssn="472144440"),
            person("D-TW", "JOHN", "WILLIAMS", role="CH", dob="2009-08-09"),
        ],
        [
            person("E-CH", "HEATHER", "WILLIAMS", role="CH", dob="2009-08-09" if dated else None),
            person("E-TW", "GEORGE", "WILLIAMS", role="CH", dob="2009-08-09"),
        ],
    )
    records, c = setup(*rows)
    edges(c, (0, 3, 20.0), (1, 4, 20.0))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert (labels[2] == labels[5]) != dated


@pytest.mark.parametrize("same_father", [True, False])
def test_the_only_child_of_the_day_in_a_case_opened_twice_is_one_child_but_not_across_two_fathers(same_father):
    """ANA GARCIA's two IV-D cases with JOSE GARCIA, no child in common, one child each born
    2020-09-14 (JUAN in one, CESAR in the other): a case opened twice, one boy. With another man
    as the absent parent of the second case, two half-brothers born one day stay two."""
    father = (
        dict(first="JOSE", last="GARCIA", dob="1994-06-27", ssn="408111559")
        if same_father
        else dict(first="PEDRO", last="RUIZ", dob="1980-02-02", ssn="518229090")
    )
    records, c = setup(
        person("D1-CP", "ANA", "GARCIA", case="D1", ssn="780726277"),
        person("D1-NCP", "JOSE", "GARCIA", case="D1", role="NCP", dob="1994-06-27", ssn="408111559"),
        person("D1-CH", "JUAN", "GARCIA", case="D1", role="CH", dob="2020-09-14"),
        person("D2-CP", "ANA", "GARCIA", case="D2", ssn="780726277"),
        person("D2-NCP", case="D2", role="NCP", **father),
        person("D2-CH", "CESAR", "GARCIA", case="D2", role="CH", dob="2020-09-14"),
    )
    edges(c, (0, 3, 20.0), *([(1, 4, 20.0)] if same_father else []))
    apply_family_evidence(c, records)
    labels = c.labels()
    assert (labels[2] == labels[5]) == same_father


def family_labels(rows: list[dict], *links: tuple[int, int, float], rounds: int = 3) -> np.ndarray:
    """The persons after the given scored links and family evidence."""
    records, c = setup(*rows)
    edges(c, *links)
    apply_family_evidence(c, records, rounds=rounds)
    return c.labels()


@pytest.mark.parametrize(
    "other, one",
    [
        ({}, True),
        ({"dob": "2013-04-30"}, False),  # dates months apart: two children
        ({"extra": person("E-X", "A", "IBARRA", role="CH", dob="2015-02-02")}, False),  # A. could be him: not alone
        ({"extra": person("E-X", "ANGEL", "IBARRA", role="CH", dob="2015-02-02")}, True),  # ANGEL could not
        ({"extra": person("E-NCP", "DANIEL", "CAMPOS", role="NCP", dob="1979-03-03")}, False),  # named for another man
    ],
)
def test_the_only_child_of_a_name_in_two_cases_of_one_mother_is_one_child_under_another_surname(other, one):
    """ANTONIO IBARRA CASTILLO in the IV-D case, ANTONIO CAMPOS without a birth date in the
    foster-care case, both cases ROSA DIAZ's and both listing GABRIELA: the surname was typed wholly
    wrong in one program. Not where the dates are months apart, where the other case holds another
    child whose name could be his (an initial, a typo), or where the other case lists an absent parent
    CAMPOS whom the IV-D case does not."""
    e_rows = [
        person("E-GA", "GABRIELA", "IBARRA", role="CH", dob="2015-08-11"),
        person("E-AN", "ANTONIO", "CAMPOS", role="CH", dob=other.get("dob")),
    ]
    if "extra" in other:
        e_rows.append(other["extra"])
    rows = mother_in_two_cases(
        [
            person("D-NCP", "JOSE", "IBARRA", role="NCP", dob="1985-01-08"),
            person("D-GA", "GABRIELA", "IBARRA", role="CH", dob="2015-08-11"),
            person("D-AN", "ANTONIO", "IBARRA CASTILLO", role="CH", dob="2011-11-12"),
        ],
        e_rows,
    )
    labels = family_labels(rows, (0, 4, 20.0), (2, 5, 20.0))
    assert (labels[3] == labels[6]) == one


def test_a_thin_child_that_fits_two_records_of_its_name_waits_and_does_not_hold_back_their_pair():
    """PATRICIA POWELL (IV-D, 2020-05-14) and PATRICIA WALLACE (foster care, 2010-05-14: a year
    typed wrong) are one girl by name and date; PATRICIA PERRY (TANF, no date) fits each only as the
    one PATRICIA of her case. The dated pair is joined; the thin record, torn between them in that
    round, follows in the next."""
    rows = [
        person("D-CP", "ROSA", "DIAZ", case="D1", ssn="123456780"),
        person("D-CH", "PATRICIA", "POWELL", case="D1", role="CH", dob="2020-05-14"),
        person("D-AA", "AARON", "POWELL", case="D1", role="CH", dob="2010-01-28"),
        person("E-CP", "ROSA", "DIAZ", case="E1", system="IV-E", ssn="123456780"),
        person("E-CH", "PATRICIA", "WALLACE", case="E1", system="IV-E", role="CH", dob="2010-05-14"),
        person("E-AA", "AARON", "POWELL", case="E1", system="IV-E", role="CH", dob="2010-01-28"),
        person("A-CP", "ROSA", "DIAZ", case="A1", system="IV-A", ssn="123456780"),
        person("A-CH", "PATRICIA", "PERRY", case="A1", system="IV-A", role="CH"),
        person("A-AA", "AARON", "POWELL", case="A1", system="IV-A", role="CH", dob="2010-01-28"),
    ]
    labels = family_labels(rows, (0, 3, 20.0), (0, 6, 20.0), (2, 5, 20.0), (2, 8, 20.0))
    assert labels[1] == labels[4]


@pytest.mark.parametrize("sister_linked", [True, False])
def test_a_sister_of_the_same_name_already_matched_leaves_one_child_of_the_name_in_each_case(sister_linked):
    """Both cases of GUADALUPE GARCIA list two MARIAs: the elder (2007, one SSN in both) is already
    one girl, which leaves MARIA HERNANDEZ (IV-D, 2024) and MARIA ROSALES (TANF, no date) as the
    only MARIA not yet matched in each: one child. Until the elder is matched, either MARIA of the
    other case could be her."""
    rows = [
        person("D-CP", "GUADALUPE", "GARCIA", case="D1", ssn="123456780"),
        person("D-M1", "MARIA", "ROSALES HERNANDEZ", case="D1", role="CH", dob="2007-07-09", ssn="080731939"),
        person("D-M2", "MARIA", "HERNANDEZ", case="D1", role="CH", dob="2024-01-19"),
        person("A-CP", "GUADALUPE", "GARCIA", case="A1", system="IV-A", ssn="123456780"),
        person("A-M1", "MARIA", "ROSALES", case="A1", system="IV-A", role="CH", dob="2007-07-09", ssn="080731939"),
        person("A-M2", "MARIA", "ROSALES", case="A1", system="IV-A", role="CH"),
    ]
    labels = family_labels(rows, (0, 3, 20.0), *([(1, 4, 20.0)] if sister_linked else []), rounds=1)
    assert (labels[2] == labels[5]) == sister_linked


@pytest.mark.parametrize("surname, one", [("GARCIA", True), ("GONZALEZ", False)])
def test_the_only_child_of_a_name_is_one_child_under_a_date_typed_wholly_wrong_by_a_fathers_surname(surname, one):
    """GUADALUPE GARCIA GONZALEZ, born 2010-12-15 in the IV-D case and 2013-03-01 in the TANF case,
    the only GUADALUPE of each of ISABEL GONZALEZ's two cases (both list FRANCISCO): one girl whose
    date one program typed wholly wrong, by her father's surname GARCIA. Her mother's surname alone
    says nothing: every child of hers may carry it."""
    rows = [
        person("D-CP", "ISABEL", "GONZALEZ", case="D1", ssn="261918878"),
        person("D-NCP", "JAVIER", "GARCIA", case="D1", role="NCP", dob="1987-12-13", ssn="389723625"),
        person("D-GU", "GUADALUPE", f"{surname} GONZALEZ" if one else surname, case="D1", role="CH", dob="2010-12-15"),
        person("D-FR", "FRANCISCO", "GONZALEZ", case="D1", role="CH", dob="2019-07-27"),
        person("A-CP", "ISABEL", "GONZALEZ", case="A1", system="IV-A", ssn="261918878"),
        person("A-GU", "GUADALUPE", surname, case="A1", system="IV-A", role="CH", dob="2013-03-01"),
        person("A-FR", "FRANCISCO", "GARCIA GONZALEZ", case="A1", system="IV-A", role="CH", dob="2019-07-27"),
    ]
    labels = family_labels(rows, (0, 4, 20.0), (3, 6, 20.0))
    assert (labels[2] == labels[5]) == one


def test_a_father_typed_twice_into_one_case_is_no_rival_of_himself():
    """JAMES ELLIS is listed twice as absent parent of DEBORAH PATTERSON's TANF case (one man: his
    two records already one person); her IV-D case, sharing no child, names JAMES ELLIS as alleged
    father. The second TANF entry is him, not a second man the IV-D record might be: one father."""
    records, c = setup(
        person("D-CP", "DEBORAH", "PATTERSON", case="D1", dob="1999-11-05", ssn="691063172"),
        person("D-PF", "JAMES", "ELLIS", case="D1", role="PF", dob="1998-06-29"),
        person("D-CH", "JEREMY", "PATTERSON", case="D1", role="CH", dob="2017-01-17", ssn="860954269"),
        person("A-CP", "DEBORAH", "PATTERSON", case="A1", system="IV-A", dob="1999-11-05", ssn="691063172"),
        person("A-N1", "JAMES", "ELLIS", case="A1", system="IV-A", role="NCP", middle_name="JAMES", ssn="459948460"),
        person("A-N2", "JAMES", "ELLIS", case="A1", system="IV-A", role="NCP", ssn="459948460"),
        person("A-CH", "DAVID", "PATTERSON", case="A1", system="IV-A", role="CH", dob="2017-01-17"),
    )
    edges(c, (0, 3, 20.0))
    c.join_one_person([(4, 5)], c.facts)
    apply_family_evidence(c, records)
    labels = c.labels()
    assert labels[1] == labels[4] == labels[5]


def test_the_only_child_of_a_name_born_years_apart_in_two_programs_is_no_parent_and_child():
    """ERNESTO GARCIA, born 2012-11-17 in the TANF case and 2025-11-14 in the foster-care case of
    JUANA DOMINGUEZ, both listing JUAN and ARTURO: thirteen years read as a generation between two
    people, but two children of one mother's cases are no parent and child. One boy."""
    records, c = setup(
        person("A-CP", "JUANA", "DOMINGUES", case="A1", system="IV-A", dob="1989-08-30", ssn="893185322"),
        person("A-N", "ARTURO", "GARCIA", case="A1", system="IV-A", role="NCP", dob="1981-02-07", ssn="291950878"),
        person("A-E", "ERNESTO", "GARCIA", case="A1", system="IV-A", role="CH", dob="2012-11-17"),
        person("A-J", "JUAN", "GARCIA", case="A1", system="IV-A", role="CH", dob="2022-02-15"),
        person("A-A", "ARTURO", "GARCIA", case="A1", system="IV-A", role="CH", dob="2013-05-17"),
        person("E-CP", "JUANA", "DOMINGUEZ", case="E1", system="IV-E", dob="1989-08-30", ssn="893185322"),
        person("E-E", "ERNESTO", "GARCIA", case="E1", system="IV-E", role="CH", dob="2025-11-14", ssn="403942200"),
        person("E-J", "JUAN", "GARCIA", case="E1", system="IV-E", role="CH", dob="2022-02-15", ssn="303576438"),
        person("E-A", "ARTURO", "RAMIREZ", case="E1", system="IV-E", role="CH", dob="2013-05-17", ssn="614063917"),
    )
    edges(c, (0, 5, 20.0), (3, 7, 20.0), (4, 8, 20.0))
    apply_family_evidence(c, records)
    assert c.labels()[2] == c.labels()[6]


@pytest.mark.parametrize(
    "tanf_mother, one",
    [
        (dict(first="ANA"), True),  # no date, no SSN: her married name
        (dict(first="ANA", dob="1985-08-05"), False),  # another birth date: another woman
        (dict(first="CARMEN"), False),  # another first name: a grandmother, an aunt
    ],
)
def test_the_custodial_parents_of_a_child_two_cases_share_are_its_mother_under_her_married_name(tanf_mother, one):
    """ANA ROSA LUNA (IV-D, born 2002-04-15) and ANA RODRIGUEZ (TANF, no date or SSN), custodial
    parents of two cases that both list ANTONIO LUNA RODRIGUEZ (one SSN): one mother, her surname
    changed. Not where their birth dates are unrelated, nor under another first name."""
    records, c = setup(
        person("D-CP", "ANA", "LUNA", case="D1", middle_name="ROSA", dob="2002-04-15", ssn="084984895"),
        person("D-NCP", "IGNACIO", "LUNA", case="D1", role="NCP", dob="1995-09-18", ssn="337375319"),
        person("D-CH", "ANTONIO", "LUNA RODRIGUEZ", case="D1", role="CH", dob="2019-07-22", ssn="118819036"),
        person("A-CP", last="RODRIGUEZ", case="A1", system="IV-A", **tanf_mother),
        person("A-CH", "ANTONIO", "LUNA RODRIGUEZ", case="A1", system="IV-A", role="CH", dob="2019-07-22", ssn="118819036"),
    )
    edges(c, (2, 4, 20.0))
    apply_family_evidence(c, records)
    assert (c.labels()[0] == c.labels()[3]) == one


@pytest.mark.parametrize("same_father", [True, False])
def test_the_only_child_of_a_name_in_a_case_opened_twice_is_one_child_but_not_across_two_fathers(same_father):
    """ROSA RAMIREZ's IV-D case and TANF case with LUIS GARCIA, no child in common, one LUIS each
    (GARCIA RAMIREZ born 2025-07-16; CASTILLO, no date): one boy under a surname typed wholly wrong.
    With another man as the TANF case's absent parent, two half-brothers of one name stay two."""
    father = (
        dict(first="LUIS", last="GARCIA", dob="1991-02-08", ssn="073878065")
        if same_father
        else dict(first="PEDRO", last="CASTILLO", dob="1980-02-02", ssn="518229090")
    )
    records, c = setup(
        person("D-CP", "ROSA", "RAMIREZ", case="D1", dob="1994-09-29", ssn="209551461"),
        person("D-NCP", "LUIS", "GARCIA", case="D1", role="NCP", dob="1991-02-08", ssn="073878065"),
        person("D-CH", "LUIS", "GARCIA RAMIREZ", case="D1", role="CH", dob="2025-07-16"),
        person("A-CP", "ROSA", "RAMIREZ", case="A1", system="IV-A", dob="1994-09-29", ssn="209551461"),
        person("A-NCP", case="A1", system="IV-A", role="NCP", **father),
        person("A-CH", "LUIS", "CASTILLO", case="A1", system="IV-A", role="CH"),
    )
    edges(c, (0, 3, 20.0), *([(1, 4, 20.0)] if same_father else []))
    apply_family_evidence(c, records)
    assert (c.labels()[2] == c.labels()[5]) == same_father


@pytest.mark.parametrize("married, one", [(True, True), (False, False)])
def test_a_surname_the_mother_carries_only_under_her_husbands_name_is_the_fathers(married, one):
    """JUANA MORALES MARTINEZ (IV-D, 2017-06-20) and JUANA MORALES (TANF, 2016-12-02), the only
    JUANA of each of CARMEN's cases, both listing CARLOS. CARMEN is MARTINEZ SILVA in IV-D and
    MORALES in TANF, the father DIEGO MORALES LOPEZ: MORALES is his, and tells one girl with a date
    typed wrong. Where CARMEN is MORALES on every record, MORALES is hers too, and says nothing."""
    rows = [
        person("D-CP", "CARMEN", "MORALES" if not married else "MARTINEZ SILVA", case="D1", dob="1995-08-20", ssn="889878233"),
        person("D-NCP", "DIEGO", "MORALES LOPEZ", case="D1", role="NCP", dob="1995-03-24", ssn="471219049"),
        person("D-JU", "JUANA", "MORALES MARTINEZ", case="D1", role="CH", dob="2017-06-20"),
        person("D-CA", "CARLOS", "MARTINEZ", case="D1", role="CH", dob="2017-11-01", ssn="202508737"),
        person("A-CP", "CARMEN", "MORALES", case="A1", system="IV-A", dob="1995-08-20", ssn="889878233"),
        person("A-JU", "JUANA", "MORALES", case="A1", system="IV-A", role="CH", dob="2016-12-02"),
        person("A-CA", "CARLOS", "MORALES MARTINEZ", case="A1", system="IV-A", role="CH", dob="2017-11-01", ssn="202508737"),
    ]
    records, c = setup(*rows)
    edges(c, (0, 4, 20.0), (3, 6, 20.0))
    apply_family_evidence(c, records)
    assert (c.labels()[2] == c.labels()[5]) == one
