import numpy as np
import polars as pl

from linkage.ingest import validate
from linkage.persons import CLUSTER_COLUMNS, NeverMerge, RecordFacts, ambiguous_links
from linkage.pipeline import cluster_persons
from linkage.standardize import standardize
from tests.conftest import person


def frame(*rows):
    from tests.conftest import records_frame

    return standardize(validate(records_frame(list(rows))).records)


def unsure(records, *pairs):
    left, right = (np.array(x, dtype=np.int64) for x in zip(*pairs))
    return ambiguous_links(records, RecordFacts.from_frame(records), left, right).tolist()


def scored(*triples):
    l, r, w = zip(*triples)
    return pl.DataFrame({"uid_l": l, "uid_r": r, "match_weight": [float(x) for x in w], "match_probability": [0.99] * len(l)})


def two_yolandas():
    """A mother's two daughters called YOLANDA (2022, 2023), and a foster-care record of one of them
    with neither birth date nor SSN (uid 2)."""
    return frame(
        person("D-CH1", "YOLANDA", "DOMINGUEZ GARCIA", case="D1", role="CH", dob="2022-09-25", sex="F"),
        person("D-CH2", "YOLANDA", "DOMINGUEZ", case="D1", role="CH", dob="2023-09-08", sex="F"),
        person("E-CH", "YOLANDA", "DOMINGUEZ GARCIA", case="E1", system="IV-E", role="CH", sex="F"),
    )


def test_a_thin_record_fits_two_siblings_of_one_name_equally():
    assert unsure(two_yolandas(), (0, 2), (2, 1)) == [True, True]


def test_a_birth_date_singles_the_sibling_out():
    records = frame(
        *[
            person(
                r["record_id"],
                r["first_name"],
                r["last_name"],
                case=r["case_id"],
                system=r["source_system"],
                role="CH",
                dob=r.get("dob"),
                sex="F",
            )
            for r in [
                {
                    "record_id": "D-CH1",
                    "first_name": "YOLANDA",
                    "last_name": "DOMINGUEZ",
                    "case_id": "D1",
                    "source_system": "IV-D",
                    "dob": "2022-09-25",
                },
                {
                    "record_id": "D-CH2",
                    "first_name": "YOLANDA",
                    "last_name": "DOMINGUEZ",
                    "case_id": "D1",
                    "source_system": "IV-D",
                    "dob": "2023-09-08",
                },
                {
                    "record_id": "E-CH",
                    "first_name": "YOLANDA",
                    "last_name": "DOMINGUEZ",
                    "case_id": "E1",
                    "source_system": "IV-E",
                    "dob": "2022-09-25",
                },
            ]
        ]
    )
    assert unsure(records, (0, 2)) == [False]


def test_between_twins_an_exact_first_name_outweighs_two_typos():
    """JAYDEN and JAYLEN, twins of one case; a record of JAYDEN with a birth-date typo and an SSN one
    digit from JAYLEN's (twins' numbers are consecutive) scores higher against JAYLEN. It fits
    JAYDEN (exact name) better than JAYLEN (a name typo and an SSN typo): the JAYLEN link is in
    doubt, the JAYDEN one is not."""
    records = frame(
        person("A-CH1", "JAYDEN", "HERNANDEZ", case="A1", system="IV-A", role="CH", dob="2019-05-30"),
        person("A-CH2", "JAYLEN", "HERNANDEZ", case="A1", system="IV-A", role="CH", dob="2019-05-30", ssn="718403536"),
        person("E-CH", "JAYDEN", "HERNANDEZ", case="E1", system="IV-E", role="CH", dob="2019-05-20", ssn="718403535"),
    )
    assert unsure(records, (1, 2), (0, 2)) == [True, False]


def test_a_rival_known_to_be_someone_of_the_records_own_case_is_none():
    """Two sisters BARBARA (2015, 2021) in an IV-D case; a TANF case holds BARBARA 2015 (same SSN)
    and a thin BARBARA: two records of one case are two people, so the thin one is the 2021 sister."""
    records = frame(
        person("D-CH1", "BARBARA", "ANDERSON", case="D1", role="CH", dob="2015-02-19", ssn="709158343", sex="F"),
        person("D-CH2", "BARBARA", "ANDERSON", case="D1", role="CH", dob="2021-05-13", sex="F"),
        person("A-CH1", "BARBARA", "ANDERSON", case="A1", system="IV-A", role="CH", dob="2015-02-19", ssn="709158343", sex="F"),
        person("A-CH2", "BARBARA", "ANDERSON", case="A1", system="IV-A", role="CH", sex="F"),
    )
    assert unsure(records, (0, 2), (1, 3)) == [False, False]
    assert unsure(records, (1, 3)) == [True]  # without the 2015 sisters' link, either could be meant
    clusters, _ = cluster_persons(records, scored((0, 2, 30.0), (1, 3, 8.0)), 0.9)
    labels = clusters.labels()
    assert labels[3] == labels[1] and labels[0] == labels[2] and labels[0] != labels[1]


def test_another_sex_or_initial_is_not_a_rival():
    records = frame(
        person("D-CH1", "ANA", "RUIZ", case="D1", role="CH", sex="F", dob="2015-01-01"),
        person("D-CH2", "ANA", "RUIZ", case="D1", role="CH", sex="M", dob="2015-01-01"),
        person("D-CH3", "BETO", "RUIZ", case="D1", role="CH", sex="F"),
        person("A-CH", "ANA", "RUIZ", case="A1", system="IV-A", role="CH", sex="F"),
    )
    assert unsure(records, (0, 3)) == [False]


def test_the_thin_sibling_is_linked_to_neither_yolanda():
    records = two_yolandas()
    clusters, _ = cluster_persons(records, scored((0, 2, 7.1)), 0.9)
    labels = clusters.labels()
    assert labels[2] not in (labels[0], labels[1])
    # without cases to say who is two people (the generic profile), the score decides
    clusters, _ = cluster_persons(records, scored((0, 2, 7.1)), 0.9, never_merge=NeverMerge.none())
    assert clusters.labels()[2] == clusters.labels()[0]


def test_family_evidence_does_not_pick_a_twin_by_a_typo():
    """A foster-care JOSE SMITH whose birth year is a typo; the IV-D case of his mother (same SSN in
    both) holds twins JOZE (his name with a typo) and JOSUE: family evidence could take JOSUE by the
    name's closeness, but JOZE fits as well."""
    records = frame(
        person("D-CP", "ROSA", "SMITH", case="D1", role="CP", ssn="123456780"),
        person("D-CH1", "JOZE", "SMITH", case="D1", role="CH", dob="2026-05-19", sex="M"),
        person("D-CH2", "JOSUE", "SMITH", case="D1", role="CH", dob="2026-05-19", sex="M"),
        person("E-CP", "ROSA", "SMITH", case="E1", system="IV-E", role="CP", ssn="123456780"),
        person("E-CH", "JOSE", "SMITH", case="E1", system="IV-E", role="CH", dob="2023-05-19", sex="M"),
    )
    # the columns an engine ships to its workers for clustering are enough
    clusters, merges = cluster_persons(records.select(CLUSTER_COLUMNS), scored((0, 3, 20.0)), 0.9)
    labels = clusters.labels()
    assert labels[4] not in (labels[1], labels[2])
    assert labels[0] == labels[3] and merges == 0


def test_a_weak_link_does_not_place_the_rival():
    """Twins MIA and MILA in an IV-D case and a TANF case, where a typo made MILA's TANF record
    "MIA" (uid 3, her SSN a digit from her sister's). The TANF MIA (uid 2) has a wrong link to the
    IV-D MILA: it does not prove uid 2 is someone else of the IV-D case, since uid 2 fits the IV-D
    MIA better than it fits MILA; so uid 0 still fits both TANF MIAs and is linked to neither."""
    records = frame(
        person("D-CH1", "MIA", "KING", case="D1", role="CH", dob="2021-05-04", sex="F"),
        person("D-CH2", "MILA", "KING", case="D1", role="CH", dob="2021-05-04", sex="F"),
        person("A-CH1", "MIA", "KING", case="A1", system="IV-A", role="CH", dob="2021-05-04", ssn="720666249", sex="F"),
        person("A-CH2", "MIA", "KING", case="A1", system="IV-A", role="CH", dob="2021-05-04", ssn="720666250", sex="F"),
    )
    assert unsure(records, (0, 3), (2, 1)) == [True, True]
    assert unsure(records, (0, 3), (2, 1), (2, 0)) == [True, True, True]


def test_a_second_given_name_makes_a_brother_of_another_initial_a_rival():
    """A thin LUIS JOSE SERRANO VASQUEZ scored against LUIS of a case that also holds his brother
    JOSE: either could be him (people go by either given name), so the link is not taken alone."""
    records = frame(
        person("A-CH1", "LUIS", "SERRANO", case="A1", system="IV-A", role="CH", dob="2008-03-03", sex="M"),
        person("A-CH2", "JOSE", "VASQUEZ", case="A1", system="IV-A", role="CH", dob="2011-06-16", sex="M"),
        person("D-CH", "LUIS JOSE", "SERRANO VASQUEZ", case="D1", role="CH", sex="M"),
    )
    assert unsure(records, (2, 0)) == [True]
