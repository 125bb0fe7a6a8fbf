import duckdb

from blocking import candidate_pairs
from linkage.ingest import validate
from linkage.rules import DEFAULT_RULES, SAME_CASE
from linkage.standardize import standardize
from tests.conftest import person, records_frame


def std(rows):
    return standardize(validate(records_frame(rows)).records)


def pairs(rows):
    con = duckdb.connect()
    candidate_pairs(con, std(rows), list(DEFAULT_RULES), exclude_same=SAME_CASE)
    return set(con.execute("SELECT join_key_l, join_key_r FROM blocked_pairs").fetchall())


def test_every_rule_keys_on_a_standardized_column():
    cols = set(std([person("R1", "ANA", "LOPEZ")]).columns)
    for rule in DEFAULT_RULES:
        assert set(rule.columns) <= cols, rule.name


def test_one_persons_records_meet_despite_the_errors_of_domain_md():
    base = dict(dob="1990-04-03", ssn="123-45-6780", zip="90012")
    variants = [
        person("R0", "GUADALUPE", "GARCIA LOPEZ", case="D1", **base),
        person("R1", "LUPE", "LOPEZ", case="A1", dob="1990-03-04", zip="90012"),  # nickname, part, swap
        person("R2", "GUADALUPE", "GARCIA", case="E1", ssn="123-45-6708"),  # transposed SSN, no dob
        person("R3", "GARCIA LOPEZ", "GUADALUPE", case="D2", **base),  # first and last swapped
        person("R4", "GUADALUPE", "MARTINEZ", case="D3", dob="1990-04-03", zip="90012"),  # married name
        person("R5", "GUADALUPE", "GARCIA", case="D4", dob="1991-04-03"),  # wrong year
    ]
    got = pairs(variants)
    for i in range(1, 6):
        assert (0, i) in got, f"R0 and R{i} are never compared"


def test_a_name_only_record_meets_its_person_at_his_address_under_another_surname():
    """ROBERT RICHARDS with no birth date or SSN, at ROBERT RICHARDSON's street address: no name or
    date key holds both, the address and the first name's sound do."""
    home = dict(street="14152 OAK DRIVE", zip="91151")
    got = pairs(
        [
            person("R0", "ROBERT", "RICHARDSON", case="D1", role="NCP", dob="1988-04-16", **home),
            person("R1", "ROBERT", "RICHARDS", case="A1", role="NCP", **home),
            person("R2", "ROBERT", "RICHARDS", case="A2", role="NCP", street="9 ELM STREET", zip="91151"),
        ]
    )
    assert (0, 1) in got and (0, 2) not in got


def test_two_people_of_one_case_are_never_compared():
    got = pairs(
        [
            person("R0", "ANA", "LOPEZ", case="D1", dob="2015-01-01"),
            person("R1", "ANA", "LOPEZ", case="D1", dob="2015-01-01", role="CH"),
        ]
    )
    assert got == set()
