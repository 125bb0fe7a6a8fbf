"""Reading a file's kind from its cases, and what a person list is linked with."""

from __future__ import annotations

import polars as pl

from linkage import columns as C
from linkage.persons.constraints import NeverMerge
from linkage.pipeline import LinkConfig, as_profiled
from linkage.standardize.profile import MIN_TRAIN_RECORDS, PERSON_LIST, PROGRAM, FileProfile


def cases(*ids: str, system: str = "IV-D") -> pl.DataFrame:
    return pl.DataFrame({C.SOURCE_SYSTEM: [system] * len(ids), C.CASE_ID: list(ids)})


def test_a_file_where_no_case_holds_two_records_is_a_person_list():
    profile = FileProfile.read(cases("a", "b", "c"))
    assert profile.kind == PERSON_LIST and profile.person_list
    assert (profile.records, profile.cases, profile.largest_case) == (3, 3, 1)


def test_one_case_of_two_records_makes_program_records():
    assert FileProfile.read(cases("a", "b", "b")).kind == PROGRAM


def test_one_case_id_in_two_programs_is_two_cases():
    both = pl.concat([cases("a", system="IV-D"), cases("a", system="IV-A")])
    assert FileProfile.read(both).person_list


def test_an_empty_file_is_read_as_program_records():
    assert FileProfile.read(cases()).kind == PROGRAM


def test_a_person_list_trains_only_from_the_size_em_can_learn_from():
    assert not FileProfile(PERSON_LIST, MIN_TRAIN_RECORDS - 1).trains
    assert FileProfile(PERSON_LIST, MIN_TRAIN_RECORDS).trains
    assert not FileProfile(PROGRAM, 10 * MIN_TRAIN_RECORDS).trains


def test_a_summary_from_before_profiles_reads_as_program_records():
    assert FileProfile.from_dict(None) == FileProfile()
    assert FileProfile.from_dict(FileProfile(PERSON_LIST, 5, 5, 1).as_dict()) == FileProfile(PERSON_LIST, 5, 5, 1)


BIG_LIST = FileProfile(PERSON_LIST, MIN_TRAIN_RECORDS, MIN_TRAIN_RECORDS, 1)


def test_a_person_list_is_trained_on_and_leaves_look_alike_patterns_to_the_model():
    config = as_profiled(LinkConfig(), BIG_LIST)
    assert config.train and config.never_merge == NeverMerge.person_list()
    rules = config.never_merge
    assert rules.suffix and rules.sex_and_name and rules.same_case and rules.roles  # what records state
    assert not (rules.twins or rules.different_ssns or rules.generations)


def test_program_records_keep_the_config_as_given():
    config = LinkConfig()
    assert as_profiled(config, FileProfile(PROGRAM, 10_000, 3_000, 5)) is config


def test_a_named_model_rules_and_the_switch_are_kept():
    named = as_profiled(LinkConfig(model="default"), BIG_LIST)
    assert not named.train and named.never_merge == NeverMerge.person_list()
    strict = as_profiled(LinkConfig(never_merge=NeverMerge.none()), BIG_LIST)
    assert strict.never_merge == NeverMerge.none()
    off = LinkConfig(profile=False)
    assert as_profiled(off, BIG_LIST) is off


def test_a_small_person_list_is_scored_with_the_shipped_model():
    config = as_profiled(LinkConfig(), FileProfile(PERSON_LIST, 50, 50, 1))
    assert not config.train and config.never_merge == NeverMerge.person_list()
