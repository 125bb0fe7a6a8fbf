"""Run quality: a run's figures against the previous run's, alarms beyond the bounds."""

from linkage.report.quality import Bounds, alarms


def figures(**over):
    base = {
        "records": {"IV-A": 900, "IV-D": 1200, "IV-E": 300},
        "persons": {"IV-A": 700, "IV-D": 800, "IV-E": 250},
        "links": {"IV-A / IV-D": 500},
        "cluster_sizes": {"1": 0.6, "2": 0.3},
        "scores": {">= 0.9": 0.5},
        "rule_share": {"ssn": 0.2},
        "quarantined": {},
        "blanked": {},
    }
    return {**base, **over}


def test_a_program_missing_from_the_input_is_an_alarm_and_steady_figures_are_not():
    assert alarms(figures(), figures()) == []
    assert alarms(None, figures()) == []  # a first run has nothing to compare with
    lost = figures(records={"IV-A": 900, "IV-D": 1200}, persons={"IV-A": 700, "IV-D": 800})
    said = alarms(figures(), lost)
    assert "records of IV-E: 300 -> 0 (gone)" in said and "persons in IV-E: 250 -> 0 (gone)" in said


def test_bounds_decide_what_is_an_alarm():
    moved = figures(records={"IV-A": 1000, "IV-D": 1200, "IV-E": 300}, cluster_sizes={"1": 0.75, "2": 0.3})
    assert alarms(figures(), moved) == ["persons of size 1: 60.0% -> 75.0% of all"]  # +11% of IV-A: within 25%
    assert "records of IV-A: 900 -> 1,000 (+11%)" in alarms(figures(), moved, Bounds(counts=0.1))
    assert alarms(figures(quarantined={"missing role": 10}), figures(quarantined={"missing role": 40})) == []  # few
