"""Why two records did or did not become one person."""

from __future__ import annotations

import polars as pl
import pytest

from linkage.errors import LookupFailedError
from linkage.persons.explain import explain
from linkage.pipeline import LinkConfig, link
from linkage.store.review import NOT_A_MATCH
from tests.conftest import person, records_frame

HOME = dict(street="9 ELM ST", city="POMONA", state="CA", zip="91766")
NO_REVIEWS = pl.DataFrame(schema={"record_id_l": pl.String, "record_id_r": pl.String, "decision": pl.String})


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """Twins JAYDEN and ETHAN COLE in two programs; ROSA MENA in three programs (the TANF record
    with a day and month swapped); LUIS SOTO twice with nothing but a name and a year; ROSA SOFIA
    and ROSA GABRIELA GARCIA, two girls of one name and birthday (at one address the link would
    outweigh the middle names: 14 bits); JOSE GARCIA born a week apart to two couples; BARBARA and
    MARY MILLER, one birth date, mother of JAMES MEDINA in IV-D and TANF; VERONICA RAMOS and
    VERONICA AVILA, one birth date and two SSNs, mother of LUCIA RAMOS in both; SOFIA CAMACHO's son
    born 2008-09-19, FRANCISCO in IV-D and JESUS in TANF, the only child of that day in each; JUANA
    DOMINGUEZ's son ERNESTO GARCIA, born 2012 in TANF and 2025 in foster care, the only ERNESTO of
    each case, his father a GARCIA."""
    twins = dict(dob="2016-06-07", sex="M", **HOME)
    rosa = dict(dob="1988-07-08", ssn="412-55-2002", sex="F")
    rows = [
        person("D1-CP", "ANA", "COLE", case="D1", dob="1990-01-02", sex="F", **HOME),
        person("D1-CH1", "JAYDEN", "COLE", case="D1", role="CH", ssn="517-67-6895", **twins),
        person("D1-CH2", "ETHAN", "COLE", case="D1", role="CH", ssn="517-67-6896", **twins),
        person("A1-CH", "JAYDEN", "COLE", case="A1", system="IV-A", role="CH", **twins),
        person("E1-CH", "ETHAN", "COLE", case="E1", system="IV-E", role="CH", **twins),
        person("D2-CP", "ROSA", "MENA", case="D2", **rosa),
        person("A2-CP", "ROSA", "MENA", case="A2", system="IV-A", **{**rosa, "dob": "1988-08-07"}),
        person("E2-CP", "ROSA", "MENA", case="E2", system="IV-E", **{**rosa, "ssn": ""}),
        person("D3-NCP", "LUIS", "SOTO", case="D3", role="NCP", sex="M"),
        person("A3-NCP", "LUIS", "SOTO", case="A3", system="IV-A", role="NCP", sex="M"),
        person("D4-CH", "ROSA", "GARCIA", middle_name="SOFIA", case="D4", role="CH", dob="2015-01-11", sex="F", **HOME),
        person("A4-CH", "ROSA", "GARCIA", middle_name="GABRIELA", case="A4", system="IV-A", role="CH", dob="2015-01-11", sex="F"),
        person("D5-CP", "ROSA", "GARCIA", case="D5", dob="2003-10-26", sex="F"),
        person("D5-NCP", "JUAN", "RODRIGUEZ", case="D5", role="NCP", dob="2000-07-17", sex="M"),
        person("D5-CH", "JOSE", "GARCIA", case="D5", role="CH", dob="2023-04-01", sex="M"),
        person("D6-CP", "RAQUEL", "MARTINEZ", case="D6", dob="1986-03-19", sex="F"),
        person("D6-PF", "SALVADOR", "RIOS", case="D6", role="PF", sex="M"),
        person("D6-CH", "JOSE", "RIOS GARCIA", case="D6", role="CH", dob="2023-04-07", sex="M"),
        person("D7-CP", "BARBARA", "MILLER", case="D7", dob="2001-12-27", sex="F"),
        person("D7-CH", "JAMES", "MEDINA", case="D7", role="CH", dob="2021-05-10", sex="M"),
        person("A7-CP", "MARY", "MILLER", case="A7", system="IV-A", dob="2001-12-27", sex="F"),
        person("A7-CH", "JAMES", "MEDINA", case="A7", system="IV-A", role="CH", dob="2021-05-10", sex="M"),
        person("D8-CP", "VERONICA", "RAMOS", case="D8", dob="1997-04-24", ssn="057267502", sex="F"),
        person("D8-CH", "LUCIA", "RAMOS", case="D8", role="CH", dob="2019-03-03", sex="F"),
        person("A8-CP", "VERONICA", "AVILA", case="A8", system="IV-A", dob="1997-04-24", ssn="085525221", sex="F"),
        person("A8-CH", "LUCIA", "RAMOS", case="A8", system="IV-A", role="CH", dob="2019-03-03", sex="F"),
        person("D9-CP", "SOFIA", "CAMACHO", case="D9", dob="1976-03-10", ssn="645925260", sex="F"),
        person("D9-CH1", "LUIS", "CAMACHO", case="D9", role="CH", dob="2010-11-01", sex="M"),
        person("D9-CH2", "FRANCISCO", "CAMACHO", case="D9", role="CH", dob="2008-09-19", sex="M"),
        person("A9-CP", "SOFIA", "CAMACHO", case="A9", system="IV-A", dob="1976-03-10", ssn="645925260", sex="F"),
        person("A9-CH1", "LUIS", "CAMACHO", case="A9", system="IV-A", role="CH", dob="2010-11-01", sex="M"),
        person("A9-CH2", "JESUS", "CAMACHO", case="A9", system="IV-A", role="CH", dob="2008-09-19", sex="M"),
        person("A10-CP", "JUANA", "DOMINGUEZ", case="A10", system="IV-A", dob="1989-08-30", ssn="893185322", sex="F"),
        person("A10-NCP", "ARTURO", "GARCIA", case="A10", system="IV-A", role="NCP", dob="1981-02-07", sex="M"),
        person("A10-CH1", "JUAN", "GARCIA", case="A10", system="IV-A", role="CH", dob="2022-02-15", ssn="303576438", sex="M"),
        person("A10-CH2", "ERNESTO", "GARCIA", case="A10", system="IV-A", role="CH", dob="2012-11-17", sex="M"),
        person("E10-CP", "JUANA", "DOMINGUEZ", case="E10", system="IV-E", dob="1989-08-30", ssn="893185322", sex="F"),
        person("E10-CH1", "JUAN", "GARCIA", case="E10", system="IV-E", role="CH", dob="2022-02-15", ssn="303576438", sex="M"),
        person("E10-CH2", "ERNESTO", "GARCIA", case="E10", system="IV-E", role="CH", dob="2025-11-14", sex="M"),
    ]
    path = tmp_path_factory.mktemp("explain") / "records.csv"
    records_frame(rows).write_csv(path)
    return link([path], LinkConfig())


def ask(run, a: str, b: str, reviewed: pl.DataFrame = NO_REVIEWS):
    return explain(run.records, run.pairs, reviewed, run.model, run.thresholds.link, a, b)


def test_the_rule_that_kept_two_twins_apart_is_named(run):
    answer = ask(run, "A1-CH", "E1-CH")
    assert not answer.same_person and answer.compared_by  # blocking compares them
    assert "same birth date, different first names (twins)" in answer.kept_apart_by
    assert "a rule about people: no score outweighs it" in answer.kept_apart_by
    assert answer.would_flip == []  # no single field change makes twins one person
    assert ask(run, "D1-CH1", "D1-CH2").kept_apart_by.startswith("never-merge rule 'two people of one case'")


def test_two_middle_names_are_named_as_a_field_a_strong_link_could_outweigh(run):
    answer = ask(run, "D4-CH", "A4-CH")
    assert not answer.same_person
    assert "different middle names" in answer.kept_apart_by, answer.kept_apart_by
    assert "a field that can be wholly wrong" in answer.kept_apart_by
    assert answer.would_flip == ["would not be kept apart if the middle names agreed"]


def test_children_of_two_families_are_named_with_the_cases_that_say_so(run):
    answer = ask(run, "D5-CH", "D6-CH")
    assert not answer.same_person, (answer.weight, answer.evidence)
    assert "never-merge rule 'children of two families that share no parent' between records D5-CH and D6-CH" in (
        answer.kept_apart_by
    ), answer.kept_apart_by
    assert "a field that can be wholly wrong" in answer.kept_apart_by


def test_a_person_joined_through_links_shows_the_chain_and_each_comparison(run):
    answer = ask(run, "A2-CP", "E2-CP")
    assert answer.same_person and answer.chain
    assert answer.chain[0]["record_l"] == "A2-CP" and answer.chain[-1]["record_r"] == "E2-CP"
    levels = {e["comparison"]: e["level"] for e in answer.evidence}
    assert levels["dob"] == "day and month swapped" and levels["ssn"] == "missing"
    assert abs(sum(e["weight"] for e in answer.evidence) - (answer.weight - _prior(run))) < 0.01


def test_a_pair_under_the_threshold_says_what_single_change_would_link_it(run):
    answer = ask(run, "D3-NCP", "A3-NCP")
    assert not answer.same_person and "under the link threshold" in answer.kept_apart_by
    assert any(
        f.startswith("would link if the dob agreed") or f.startswith("would link if the ssn agreed") for f in answer.would_flip
    ), answer.would_flip


def test_a_reviewers_decision_is_named_and_unknown_records_are_refused(run):
    reviewed = pl.DataFrame({"record_id_l": ["D3-NCP"], "record_id_r": ["A3-NCP"], "decision": [NOT_A_MATCH]})
    assert ask(run, "D3-NCP", "A3-NCP", reviewed).kept_apart_by == "a reviewer decided records D3-NCP and A3-NCP are not a match"
    with pytest.raises(LookupFailedError, match="NOPE"):
        ask(run, "D3-NCP", "NOPE")


def _prior(run) -> float:
    from linkage.model import for_record_count
    from linkage.model.inmemory import PairScorer

    model = for_record_count(run.model.splink, run.model.meta.trained_records, run.records.height)
    return PairScorer(model, {}).prior_weight


def test_a_rule_that_stood_down_for_one_parent_of_one_child_is_named(run):
    """BARBARA and MARY MILLER are one mother: the twins rule between them stood down, and the
    answer says why rather than only "joined"."""
    answer = ask(run, "D7-CP", "A7-CP")
    assert answer.same_person
    assert "same birth date, different first names (twins)" in answer.rule_passed
    assert "stood down: both records are the CP of a child their two cases share" in answer.decision
    assert ask(run, "D7-CH", "A7-CH").rule_passed == ""  # nothing stood down between the child's records


def test_a_rule_on_a_field_the_reader_may_not_see_is_not_named(run):
    """A role that may not see SSNs is told a rule stood down between VERONICA's two records, not
    that they carry two SSNs."""
    told = ask(run, "D8-CP", "A8-CP")
    assert told.same_person and "different SSNs" in told.rule_passed
    hidden = explain(run.records, run.pairs, NO_REVIEWS, run.model, run.thresholds.link, "D8-CP", "A8-CP", frozenset({"ssn"}))
    assert hidden.same_person and hidden.rule_passed and "SSN" not in hidden.decision + hidden.rule_passed


def test_a_wholly_other_first_name_passed_over_for_the_only_child_of_the_day_is_told(run):
    answer = ask(run, "D9-CH2", "A9-CH2")
    assert answer.same_person
    assert "same birth date, different first names (twins)" in answer.rule_passed
    assert "only child born that day" in answer.rule_passed


def test_a_generation_passed_over_for_the_only_child_of_a_name_is_told(run):
    """ERNESTO's two dates thirteen years apart read as a generation between two people; the
    explanation says why it stood down rather than claim a strong link outweighed it."""
    answer = ask(run, "A10-CH2", "E10-CH2")
    assert answer.same_person
    assert "birth years a generation apart" in answer.rule_passed
    assert "only child of that first name" in answer.rule_passed and "outweighed" not in answer.rule_passed
