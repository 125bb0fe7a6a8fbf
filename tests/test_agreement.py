"""One home for agreement: how two first names agree, as every stage reads it."""

from linkage.agreement import NameAgreement as N
from linkage.agreement import first_name_agreement, surname_parts_differ, surnames_similar, tokens_a_typo_apart


def agree(a: str, b: str, canon_a=None, canon_b=None) -> N:
    return first_name_agreement(a, b, canon_a or [a], canon_b or [b], a.split(), b.split())


def test_first_names_agree_from_the_same_name_down_to_one_edit():
    assert agree("JUAN", "JUAN") is N.SAME
    assert agree("BILL", "WILLIAM", ["WILLIAM"], ["WILLIAM"]) is N.NICKNAME
    assert agree("JUAN CARLOS", "JUAN") is N.SHARED_TOKEN
    assert agree("J", "JUAN") is N.INITIAL
    assert agree("JONATHAN", "JONATHON") is N.TYPO
    assert agree("ANA", "AVA") is N.ONE_EDIT  # a typo or a sister: callers decide
    assert agree("ANA", "LUIS") is N.NONE
    assert first_name_agreement(None, "ANA", None, ["ANA"], None, ["ANA"]) is N.NONE


def test_surnames_agree_on_a_shared_token_or_a_typo_of_the_whole_and_tokens_one_edit_apart_only_when_long():
    assert surnames_similar(["GARCIA", "LOPEZ"], ["LOPEZ"]) and surnames_similar(["JOHNSON"], ["JOHNSTON"])
    assert not surnames_similar(["GARCIA"], ["LOPEZ"]) and not surnames_similar(None, ["LOPEZ"])
    assert tokens_a_typo_apart(["RRED"], ["REED"]) and not tokens_a_typo_apart(["ANA"], ["AVA"])


def test_surname_parts_differ_beyond_a_typo_or_a_cut_field():
    assert surname_parts_differ("TORRES", "IBARRA") and surname_parts_differ("SILVA", "GARCIA")
    assert not surname_parts_differ("TORRES", "TORES")  # a typo
    assert not surname_parts_differ("TORRES", "TO")  # cut by a fixed-width field
    assert not surname_parts_differ("MARTINEZ", "MARTYN")  # cut and mistyped
    assert not surname_parts_differ("SANDOVAL", "ZANDOVAL")  # spelled by its sound
