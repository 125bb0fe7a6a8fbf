"""A child's own record the person linkage did not join is not listed as its sibling."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.cases.members import side
from linkage.cases.relatives import ALLEGED_TIE, IN_CARE_TOGETHER, SAME_CHILD, parent_edges, relatives


def members(*rows: tuple[str, str, str, str, str, str | None, str | None]) -> pl.DataFrame:
    """(person_id, source_system, case_id, role, first name, surname, birth date YYYYMMDD) per record."""
    df = pl.DataFrame(
        rows,
        schema=[C.PERSON_ID, C.SOURCE_SYSTEM, C.CASE_ID, C.ROLE, C.FN, "sn", C.DOB_STR],
        orient="row",
    )
    return df.with_columns(
        side(pl.col(C.ROLE)).alias("side"),
        pl.when(pl.col(C.ROLE) == "CP").then(pl.lit("F")).otherwise(pl.lit(None, pl.String)).alias("sex"),
        pl.lit(None, pl.String).alias(C.PATERNITY_STATUS),
        pl.col("sn").str.split(" ").alias(C.SN_TOKENS),
        pl.col(C.FN).str.split(" ").alias(C.FN_TOKENS),
        pl.col(C.FN).str.split(" ").alias(C.FN_CANON),
    )


def listed(m: pl.DataFrame, child: str) -> dict[str, str]:
    kin = relatives(m, [child])
    return dict(zip(kin["relative_person_id"], kin["relationship"]))


MOTHER = ("M", "IV-E", "E1", "CP", "ANA JOSEFINA", "VALDEZ", "19850406")
MOTHER_ELSEWHERE = ("M", "IV-D", "D1", "CP", "ANA JOSEFINA", "VALDEZ", "19850406")  # her IV-D case


def her_children(in_care: tuple, *elsewhere: tuple) -> pl.DataFrame:
    """The mother's foster-care case with the child in care, her IV-D case with `elsewhere`."""
    return members(MOTHER, in_care, MOTHER_ELSEWHERE, *elsewhere)


def test_the_childs_record_on_another_case_of_its_mother_is_possibly_the_child():
    m = her_children(
        ("A1", "IV-E", "E1", "CH", "JUANA", "TORRES", "20190829"),
        ("A2", "IV-D", "D1", "CH", "JUANA", "VALDEZ", None),  # no birth date: not joined to A1
        ("P", "IV-D", "D1", "CH", "PEDRO", "VALDEZ", "20170102"),
    )
    assert listed(m, "A1") == {"A2": SAME_CHILD, "P": "half-sibling (mother's child)"}


def test_a_name_turned_round_is_the_same_child_too():
    m = her_children(
        ("A1", "IV-E", "E1", "CH", "ALEJANDRA", "HERNANDEZ CASTILLO", "20101103"),
        ("A2", "IV-D", "D1", "CH", "CASTILLO", "ALEJANDRA", "20101103"),
    )
    assert listed(m, "A1") == {"A2": SAME_CHILD}


def test_a_sibling_born_the_childs_day_under_another_name_in_no_case_with_it_is_possibly_the_child():
    """BLANCA in foster care, MARIA FERNANDA in IV-D, one birth date, never in one case: the child's
    first name typed wholly wrong in one program (or a twin no case lists with her)."""
    m = her_children(
        ("A1", "IV-E", "E1", "CH", "BLANCA", "MENDOZA", "20190519"),
        ("A2", "IV-D", "D1", "CH", "MARIA FERNANDA", "MENDOZA", "20190519"),
        ("P", "IV-D", "D1", "CH", "PEDRO", "MENDOZA", "20170102"),
    )
    assert listed(m, "A1") == {"A2": SAME_CHILD, "P": "half-sibling (mother's child)"}


def test_twins_a_letter_apart_on_one_case_stay_siblings():
    m = members(
        MOTHER,
        ("A1", "IV-E", "E1", "CH", "MIA", "FOSTER", "20240728"),
        ("A2", "IV-E", "E1", "CH", "MILA", "FOSTER", "20240728"),
    )
    assert listed(m, "A1") == {"A2": "half-sibling (mother's child)"}


def test_a_sibling_of_one_first_name_born_on_another_day_stays_a_sibling():
    m = her_children(
        ("A1", "IV-E", "E1", "CH", "JOSE", "RUIZ", "20150301"),
        ("A2", "IV-D", "D1", "CH", "JOSE", "MARTINEZ", "20180611"),
    )
    assert listed(m, "A1") == {"A2": "half-sibling (mother's child)"}


def fathers_of(m: pl.DataFrame) -> set[tuple[str, str]]:
    edges = parent_edges(m).filter(pl.col("kind") == "father")
    return set(zip(edges["parent"], edges["child"]))


def test_a_lone_absent_parent_is_no_father_through_the_mothers_surname():
    """A TANF case naming one absent parent, JOSE JIMENEZ RODRIGUEZ: ROSA JIMENEZ RODRIGUEZ carries
    his surname; ESPERANZA SMITH RODRIGUEZ only her mother's (GABRIELA RODRIGUEZ, SMITH by marriage
    in another program), so he is not taken as her father."""
    m = members(
        ("G", "IV-A", "A1", "CP", "GABRIELA", "RODRIGUEZ", "19830815"),
        ("G", "IV-E", "E1", "CP", "GABRIELA", "SMITH", "19830815"),
        ("J", "IV-A", "A1", "NCP", "JOSE JORGE", "JIMENEZ RODRIGUEZ", None),
        ("R", "IV-A", "A1", "CH", "ROSA", "JIMENEZ RODRIGUEZ", "20121217"),
        ("E", "IV-A", "A1", "CH", "ESPERANZA", "SMITH RODRIGUEZ", "20101006"),
    )
    assert fathers_of(m) == {("J", "R")}


def test_a_lone_absent_parent_whose_surname_the_mother_took_is_still_the_father():
    m = members(
        ("M", "IV-A", "A1", "CP", "ROSA", "GUTIERREZ", "19900101"),
        ("M", "IV-D", "D9", "CP", "ROSA", "PENA", "19900101"),
        ("P", "IV-A", "A1", "NCP", "PEDRO", "GUTIERREZ MORALES", None),
        ("C", "IV-A", "A1", "CH", "MARIA", "GUTIERREZ PENA", "20150505"),
    )
    assert ("P", "C") in fathers_of(m)


def test_of_several_absent_parents_each_child_goes_to_the_one_whose_surname_it_carries():
    """A TANF case lists the absent parents of all the caretaker's children and does not say whose
    each is: DOLORES VEGA is TONY VEGA SANCHEZ's, LAURA CONTRERAS SANCHEZ is ARMANDO CONTRERAS
    DELGADO's; JOSE SANCHEZ carries only his mother's surname, and neither man is taken as his."""
    m = members(
        ("J", "IV-A", "A1", "CP", "JUANITA", "SANCHEZ", "20030212"),
        ("A", "IV-A", "A1", "NCP", "ARMANDO", "CONTRERAS DELGADO", "19990412"),
        ("T", "IV-A", "A1", "NCP", "TONY", "VEGA SANCHEZ", None),
        ("L", "IV-A", "A1", "CH", "LAURA", "CONTRERAS SANCHEZ", "20251020"),
        ("D", "IV-A", "A1", "CH", "DOLORES", "VEGA", "20251005"),
        ("S", "IV-A", "A1", "CH", "JOSE", "SANCHEZ", "20220320"),
    )
    assert fathers_of(m) == {("A", "L"), ("T", "D")}


def test_two_absent_parents_of_one_surname_father_neither_child():
    """Brothers on one case, both HAYES: the surname does not say which one is BILL's father."""
    m = members(
        ("S", "IV-E", "E1", "CP", "SANDRA", "SMITH", "19730418"),
        ("J", "IV-E", "E1", "NCP", "JAMES", "HAYES", None),
        ("K", "IV-E", "E1", "NCP", "KEVIN", "HAYES", None),
        ("B", "IV-E", "E1", "CH", "BILL", "HAYES", "20140222"),
    )
    assert fathers_of(m) == set()


def test_a_father_read_from_a_surname_gives_way_to_the_man_a_support_case_names():
    """DEBORAH MILLER's IV-D case alleges RICKY JONES; her TANF case names him and BRANDON MILLER,
    whose name her mother took (typed MILLQER in one program). The IV-D case's man is taken, not the
    surname."""
    m = members(
        ("S", "IV-A", "A1", "CP", "SHIRLEY", "JONES", "20010731"),
        ("S", "IV-D", "D1", "CP", "SHIRLEY", "MILLQER", "20010731"),
        ("B", "IV-A", "A1", "NCP", "BRANDON", "MILLER", None),
        ("R", "IV-A", "A1", "NCP", "RICKY", "JONES", "19950219"),
        ("R", "IV-D", "D1", "PF", "RICKY", "JONES", None),
        ("D", "IV-A", "A1", "CH", "DEBORAH", "MILLER", "20210817"),
        ("D", "IV-D", "D1", "CH", "DEBORAH", "MILLER", "20210817"),
    )
    assert fathers_of(m) == {("R", "D")}


def raul_and_his_children(*more: tuple) -> pl.DataFrame:
    """LUIS's father RAUL SOTO is established on a IV-D case. A TANF case of another mother names RAUL
    and PEDRO DIAZ as absent parents, and ANA SOTO carries RAUL's surname. A IV-D case of a third
    mother, ALMA LARA, alleges RAUL as father of NOE LARA."""
    return members(
        ("ROSA", "IV-D", "D1", "CP", "ROSA", "MENA", "19880708"),
        ("RAUL", "IV-D", "D1", "NCP", "RAUL", "SOTO", "19850304"),
        ("LUIS", "IV-D", "D1", "CH", "LUIS", "SOTO", "20160506"),
        ("EVA", "IV-A", "A1", "CP", "EVA", "RUIZ", "19900101"),
        ("RAUL", "IV-A", "A1", "NCP", "RAUL", "SOTO", None),
        ("PEDRO", "IV-A", "A1", "NCP", "PEDRO", "DIAZ", None),
        ("ANA", "IV-A", "A1", "CH", "ANA", "SOTO", "20180203"),
        ("ALMA", "IV-D", "D2", "CP", "ALMA", "LARA", "19920505"),
        ("RAUL", "IV-D", "D2", "PF", "RAUL", "SOTO", None),
        ("NOE", "IV-D", "D2", "CH", "NOE", "LARA", "20190101"),
        *more,
    )


def test_a_father_leads_down_to_the_children_his_surname_or_an_allegation_gives_him():
    """ANA carries RAUL's surname: LUIS's half-sister, her mother EVA the custodial parent of his
    other child. NOE, whose only named father is RAUL, alleged, is a half-brother the worker sees as
    alleged (before 2026-12-08 an alleged man was never followed down: 66 true half-siblings of the
    first 1,000 children in care of a generated file were missed, no one listed wrongly by it)."""
    kin = listed(raul_and_his_children(), "LUIS")
    assert kin.get("ANA") == "half-sibling (father's child)"
    assert kin.get("EVA") == "custodial parent of the father's other children"  # ANA's mother
    assert kin.get("NOE") == f"half-sibling (father's child, {ALLEGED_TIE})"
    assert kin.get("ALMA") == "custodial parent of the father's other children"
    assert "PEDRO" not in kin


def test_a_child_two_men_are_alleged_to_have_fathered_is_neither_ones_half_sibling():
    """ALMA's second IV-D case alleges HUGO PEREZ as NOE's father: which man it is is open, and NOE
    is listed through neither."""
    m = raul_and_his_children(
        ("ALMA", "IV-D", "D3", "CP", "ALMA", "LARA", "19920505"),
        ("HUGO", "IV-D", "D3", "PF", "HUGO", "PEREZ", None),
        ("NOE", "IV-D", "D3", "CH", "NOE", "LARA", "20190101"),
    )
    kin = listed(m, "LUIS")
    assert kin.get("ANA") == "half-sibling (father's child)"
    assert not {"NOE", "ALMA", "HUGO", "PEDRO"} & set(kin)


def test_children_removed_together_are_siblings_though_the_case_names_no_shared_parent():
    """A foster-care episode of DANIEL WHITE and DEBORAH LONG names only DANIEL's father: the two
    were removed from one home, and DEBORAH is listed as his sister (one foster-care case), with no
    side and no parent it comes through. LISA, of another foster-care case, is not."""
    m = members(
        ("DANIEL", "IV-E", "E1", "CH", "DANIEL", "WHITE", "20210919"),
        ("DEBORAH", "IV-E", "E1", "CH", "DEBORAH", "LONG", "20231123"),
        ("NATHAN", "IV-E", "E1", "NCP", "NATHAN", "WHITE", None),
        ("LISA", "IV-E", "E2", "CH", "LISA", "WHITE", "20220101"),
    )
    kin = relatives(m, ["DANIEL"])
    row = kin.filter(pl.col("relative_person_id") == "DEBORAH").row(0, named=True)
    assert row["relationship"] == IN_CARE_TOGETHER and row["side"] is None and row["through_person_id"] is None
    assert "LISA" not in set(kin["relative_person_id"])


def test_a_parent_the_cases_name_ties_children_removed_together_closer():
    """With their mother ROSA on the foster-care case, ANA and LUIS are her children (half-siblings
    at least); with their father named on a IV-D case too, full siblings."""
    m = members(
        ("ROSA", "IV-E", "E1", "CP", "ROSA", "MENA", "19880708"),
        ("ANA", "IV-E", "E1", "CH", "ANA", "SOTO", "20160506"),
        ("LUIS", "IV-E", "E1", "CH", "LUIS", "SOTO", "20180203"),
    )
    assert listed(m, "ANA") == {"LUIS": "half-sibling (mother's child)"}
    both = pl.concat(
        [
            m,
            members(
                ("ROSA", "IV-D", "D1", "CP", "ROSA", "MENA", "19880708"),
                ("RAUL", "IV-D", "D1", "NCP", "RAUL", "SOTO", "19850304"),
                ("ANA", "IV-D", "D1", "CH", "ANA", "SOTO", "20160506"),
                ("LUIS", "IV-D", "D1", "CH", "LUIS", "SOTO", "20180203"),
            ),
        ]
    )
    assert listed(both, "ANA").get("LUIS") == "sibling"
