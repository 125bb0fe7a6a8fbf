"""A small hand-made county: each family is one edge case of the case stage, linked once per session."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from linkage.pipeline import LinkConfig, LinkResult, link
from tests.conftest import person, records_frame

ELM = dict(street="12 ELM ST", city="POMONA", state="CA", zip="91766")


def _rows() -> list[dict]:
    rows: list[dict] = []

    def case(system: str, case_id: str, *people: tuple[str, str, str, dict], status: str = "OPEN") -> None:
        for i, (role, first, last, kw) in enumerate(people):
            rid = f"{case_id}-{i}"
            rows.append(person(rid, first, last, case=case_id, system=system, role=role, case_status=status, **kw))

    maria = dict(ssn="412-55-1001", dob="1990-02-03", sex="F", street="5 OAK AVE", city="DOWNEY", zip="90241")
    jose = dict(ssn="412-55-1002", dob="1987-06-07", sex="M", street="77 PINE RD", city="NORWALK", zip="90650")
    ana = dict(dob="2015-04-05", sex="F")
    # A: a TANF family with an open IV-D case; the absent father known by name only in IV-A.
    case(
        "IV-D",
        "D1",
        ("CP", "MARIA", "GARCIA", maria),
        ("NCP", "JOSE", "LOPEZ", {**jose, "paternity_status": "ADJUDICATED", "order_status": "ORDER IN PLACE"}),
        ("CH", "ANA", "LOPEZ GARCIA", {**ana, "ssn": "412-55-1003"}),
    )
    case("IV-A", "A1", ("CP", "Maria", "Garcia", maria), ("NCP", "JOSE", "LOPEZ", {}), ("CH", "ANA", "LOPEZ", ana))
    # B: a mother with two fathers: the IV-E child is the second father's; a new baby in TANF has no case.
    rosa = dict(ssn="523-11-2001", dob="1992-08-09", sex="F")
    case(
        "IV-D",
        "D2",
        ("CP", "ROSA", "DIAZ", rosa),
        ("NCP", "PEDRO", "RUIZ", dict(ssn="523-11-2002", dob="1990-01-01", sex="M")),
        ("CH", "LUIS", "RUIZ DIAZ", dict(dob="2013-03-03", ssn="523-11-2003", sex="M")),
    )
    mark = dict(ssn="523-11-2004", dob="1989-05-05", sex="M")
    emma = dict(dob="2018-07-07", ssn="523-11-2005", sex="F")
    case(
        "IV-D",
        "D3",
        ("CP", "ROSA", "DIAZ", rosa),
        ("NCP", "MARK", "JONES", {**mark, "paternity_status": "ACKNOWLEDGED"}),
        ("CH", "EMMA", "JONES", emma),
    )
    case("IV-E", "E1", ("CP", "ROSA", "DIAZ", rosa), ("NCP", "MARK", "JONES", mark), ("CH", "EMMA", "JONES", emma))
    case("IV-A", "A2", ("CP", "ROSA", "DIAZ", rosa), ("CH", "SOFIA", "DIAZ", dict(dob="2025-01-02", sex="F")))
    # C: the only IV-D case is closed.
    linda = dict(ssn="634-22-3001", dob="1985-10-10", sex="F")
    kevin = dict(ssn="634-22-3003", dob="2012-12-01", sex="M")
    case(
        "IV-D",
        "D4",
        ("CP", "LINDA", "SMITH", linda),
        ("NCP", "JOHN", "SMITH", dict(ssn="634-22-3002", sex="M")),
        ("CH", "KEVIN", "SMITH", kevin),
        status="CLOSED",
    )
    case("IV-A", "A3", ("CP", "LINDA", "SMITH", linda), ("CH", "KEVIN", "SMITH", kevin))
    # D: one child, two alleged fathers, a case against each; the child is now in foster care.
    karen = dict(ssn="745-33-4001", dob="1994-04-04", sex="F", street="9 BIRCH LN", city="COMPTON", zip="90220")
    ava = dict(ssn="745-33-4003", dob="2019-09-19", sex="F")
    case(
        "IV-D",
        "D5",
        ("CP", "KAREN", "WHITE", karen),
        (
            "PF",
            "TOM",
            "BLACK",
            dict(ssn="745-33-4002", sex="M", paternity_status="ALLEGED", street="3 RIVER RD", city="ONTARIO", zip="91761"),
        ),
        ("CH", "AVA", "WHITE", ava),
    )
    case(
        "IV-D",
        "D6",
        ("CP", "KAREN", "WHITE", karen),
        ("PF", "BILL", "GREEN", dict(ssn="745-33-4004", sex="M", paternity_status="ALLEGED")),
        ("CH", "AVA", "WHITE", ava),
    )
    case("IV-E", "E2", ("CP", "KAREN", "WHITE", karen), ("CH", "AVA", "WHITE", ava))
    # E: a referral that lists no children, for a couple with an open case; another for a stranger.
    nancy = dict(ssn="256-44-5001", dob="1988-03-15", sex="F")
    paul = dict(ssn="256-44-5002", dob="1986-11-20", sex="M")
    case(
        "IV-D",
        "D7",
        ("CP", "NANCY", "KING", nancy),
        ("NCP", "PAUL", "KING", paul),
        ("CH", "LILY", "KING", dict(dob="2016-06-16", ssn="256-44-5003", sex="F")),
    )
    case("IV-A", "A4", ("CP", "NANCY", "KING", nancy), ("NCP", "PAUL", "KING", paul))
    case("IV-A", "A5", ("CP", "ODETTE", "QUINN", dict(ssn="256-44-5009", dob="1991-01-09", sex="F")))
    # F: the same family opened twice in IV-D; the father is protected (FVI set in one program only).
    susan = dict(ssn="367-55-6001", dob="1990-12-12", sex="F")
    gary = dict(ssn="367-55-6002", dob="1984-02-14", sex="M")
    mia = dict(ssn="367-55-6003", dob="2017-05-05", sex="F")
    case(
        "IV-D",
        "D8",
        ("CP", "SUSAN", "HILL", susan),
        ("NCP", "GARY", "HILL", {**gary, "street": "400 HIDDEN WAY", "city": "AZUSA", "zip": "91702"}),
        ("CH", "MIA", "HILL", mia),
    )
    case(
        "IV-D",
        "D9",
        ("CP", "SUSAN", "HILL", susan),
        ("NCP", "GARY", "HILL", {**gary, "fvi": "Y", "street": "18 SECRET CT", "city": "GLENDORA", "zip": "91740"}),
        ("CH", "MIA", "HILL", mia),
    )
    # G: a protected mother whose unprotected child lives with her; the same father has a child elsewhere.
    ron = dict(ssn="478-66-7002", dob="1980-07-04", sex="M", street="1 MAIN ST", city="POMONA", zip="91767")
    case(
        "IV-D",
        "D10",
        ("CP", "BETTY", "FORD", dict(ssn="478-66-7001", dob="1983-01-01", sex="F", fvi="Y", **ELM)),
        ("NCP", "RON", "FORD", {**ron, "paternity_status": "ADJUDICATED"}),
        ("CH", "ZOE", "FORD", dict(ssn="478-66-7003", dob="2014-02-02", sex="F", **ELM)),
    )
    case(
        "IV-D",
        "D11",
        ("CP", "GINA", "PAZ", dict(ssn="478-66-7004", dob="1990-09-09", sex="F", street="2 SUN ST", city="CHINO", zip="91710")),
        ("NCP", "RON", "FORD", {**ron, "paternity_status": "ACKNOWLEDGED"}),
        ("CH", "LEO", "FORD", dict(ssn="478-66-7005", dob="2020-03-03", sex="M")),
    )
    # H: a child in an IV-E placement that has ended: not misdirected support.
    case(
        "IV-D",
        "D12",
        ("CP", "OLGA", "REYES", dict(ssn="589-77-8001", dob="1987-07-07", sex="F")),
        ("NCP", "IVAN", "REYES", dict(ssn="589-77-8002", sex="M")),
        ("CH", "NOE", "REYES", dict(ssn="589-77-8003", dob="2011-11-11", sex="M")),
    )
    case("IV-E", "E3", ("CH", "NOE", "REYES", dict(ssn="589-77-8003", dob="2011-11-11", sex="M")), status="CLOSED")
    return rows


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> LinkResult:
    rows = _rows()
    frame = records_frame(rows).with_columns(pl.Series("order_status", [r.get("order_status") for r in rows], dtype=pl.String))
    path: Path = tmp_path_factory.mktemp("county") / "records.csv"
    frame.write_csv(path)
    return link([path], LinkConfig())


def rid_person(county: LinkResult, record_id: str) -> str:
    return county.records.filter(pl.col("record_id") == record_id)["person_id"][0]
