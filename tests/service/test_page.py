"""The caseworker page in a real browser: Debian's Chromium driven by Playwright against the real
server. Screenshots of each step go to test-artifacts/page/."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.browser import ARTIFACTS as SHARED_ARTIFACTS
from tests.browser import chromium
from tests.service.conftest import KEY

ARTIFACTS = SHARED_ARTIFACTS / "page"


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium() as b:
        yield b


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.goto(server.url + "/")
    yield p
    context.close()


def sign_in(page, role: str) -> None:
    page.get_by_label("Your API key").fill(KEY[role])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in as").wait_for()


@pytest.fixture(scope="module")
def family(store):
    con = duckdb.connect(str(store), read_only=True)
    plain = con.execute("""
        SELECT c.first_name, c.last_name, strftime(c.dob_date, '%Y-%m-%d'), c.person_id FROM records c
        JOIN records f ON f.case_id = c.case_id AND f.source_system = 'IV-D' AND f.role = 'NCP' AND f.street IS NOT NULL
        WHERE c.role = 'CH' AND c.source_system = 'IV-D' AND c.dob_date IS NOT NULL
          AND f.person_id NOT IN (SELECT person_id FROM records WHERE fvi_flag)
        ORDER BY c.record_id LIMIT 1""").fetchall()[0]
    protected = con.execute("""
        SELECT c.person_id, f.person_id FROM records c
        JOIN records f ON f.case_id = c.case_id AND f.source_system = 'IV-D' AND f.role IN ('NCP', 'PF')
        WHERE c.role = 'CH' AND c.source_system = 'IV-D' AND f.person_id IN (SELECT person_id FROM records WHERE fvi_flag)
        ORDER BY c.record_id LIMIT 1""").fetchall()[0]
    streets = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT street FROM records WHERE street IS NOT NULL AND person_id = ?", [protected[1]]
        ).fetchall()
    ]
    con.close()
    return plain, protected, streets


def test_wrong_key_is_refused(page):
    page.get_by_label("Your API key").fill("not-a-real-key-123456")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("not accepted").wait_for()
    page.screenshot(path=ARTIFACTS / "0-wrong-key.png")
    assert page.get_by_role("heading", name="Find a person").is_hidden()


def test_search_open_person_and_find_the_father(page, family):
    (first, last, dob, child_id), _, _ = family
    sign_in(page, "ive")
    assert page.get_by_label("Street").is_hidden() and page.get_by_label("Zip").is_hidden()  # not foster care's to search
    page.get_by_label("First name", exact=True).fill(first)
    page.get_by_label("Last name", exact=True).fill(last)
    page.get_by_label("Date of birth", exact=True).fill(dob)
    page.get_by_label("Why (kept in the audit log)").fill("placement review")
    page.get_by_role("button", name="Search").click()
    page.locator(".candidate").first.wait_for()
    text = page.locator("#results").inner_text()
    assert "% match" in text and "same date of birth" in text and "weight" not in text.lower()
    page.screenshot(path=ARTIFACTS / "1-search.png", full_page=True)
    page.locator(".candidate").first.get_by_role("button").click()
    page.get_by_role("heading", name=child_id).wait_for()
    page.screenshot(path=ARTIFACTS / "2-person.png", full_page=True)
    page.get_by_role("button", name="Find the father").click()  # no purpose: the browser refuses
    assert page.locator("#father .candidate").count() == 0
    page.get_by_label("Why you need the father's location (required)").fill("permanency hearing")
    page.get_by_role("button", name="Find the father").click()
    page.locator("#father .candidate").first.wait_for()
    father = page.locator("#father").inner_text()
    assert "Father:" in father and "Paternity:" in father and "from IV-D case" in father
    assert "Addresses as the programs held them on 20" in father  # the date they are known from
    page.screenshot(path=ARTIFACTS / "3-father.png", full_page=True)
    # the family drawn: one box per person, the child marked, the father above it
    diagram = page.locator("#family-diagram svg")
    diagram.wait_for()
    boxes = diagram.locator("g.person")
    ids = [boxes.nth(i).get_attribute("data-person") for i in range(boxes.count())]
    assert child_id in ids and len(ids) == len(set(ids)) >= 2
    assert diagram.locator("g.person.self").get_attribute("data-person") == child_id
    assert "father" in diagram.text_content()
    page.locator("#family-figure").screenshot(path=ARTIFACTS / "3-family.png")
    page.emulate_media(media="print")  # the printable summary: the person, not the forms
    assert page.get_by_role("heading", name=child_id).is_visible()
    assert page.locator("nav").is_hidden() and page.get_by_role("button", name="Print summary").is_hidden()
    page.pdf(path=ARTIFACTS / "3-person-summary.pdf")


def test_protected_father_location_is_withheld(page, server, family):
    _, (child_id, _father_id), streets = family
    sign_in(page, "ivd")
    page.evaluate(f"openPerson({child_id!r}, 'locate for order')")
    page.get_by_label("Why you need the father's location (required)").fill("locate for order")
    page.get_by_role("button", name="Find the father").click()
    page.locator("#father .candidate").first.wait_for()
    content = page.content()
    assert "withheld: family violence indicator" in page.locator("#father").inner_text()
    assert streets and not [s for s in streets if s in content]
    protected = page.locator("#family-diagram g.person.protected")
    assert protected.count() >= 1 and "protected: no location shown" in protected.first.text_content()
    page.screenshot(path=ARTIFACTS / "4-withheld.png", full_page=True)


def test_referral_decision(page, store):
    con = duckdb.connect(str(store), read_only=True)
    ref = con.execute("""SELECT a.case_id FROM records a JOIN records d ON d.person_id = a.person_id
        WHERE a.source_system = 'IV-A' AND a.role = 'CH' AND d.source_system = 'IV-D' AND d.case_status = 'OPEN'
        ORDER BY a.case_id LIMIT 1""").fetchall()[0][0]
    people = con.execute(
        "SELECT role, first_name, last_name, strftime(dob_date, '%Y-%m-%d'), ssn FROM records "
        "WHERE source_system = 'IV-A' AND case_id = ? ORDER BY role",
        [ref],
    ).fetchall()
    con.close()
    sign_in(page, "iva")
    page.get_by_role("button", name="Check a referral").click()
    page.get_by_label("Referral (case) number").fill(ref)
    page.get_by_label("Why you check this referral").fill("TANF referral")
    pasted = "\n".join(", ".join(v or "" for v in person) for person in people)  # as copied from a case system
    page.get_by_label("Or paste the people").fill(pasted)
    page.get_by_role("button", name="Fill the table from the pasted lines").click()
    rows = page.locator("#people tbody tr")
    assert rows.count() == len(people)
    assert rows.nth(0).locator("select").input_value() == people[0][0]
    assert rows.nth(0).locator("input[name=first_name]").input_value() == (people[0][1] or "")
    page.get_by_role("button", name="Check", exact=True).click()
    page.locator("#decision .decision").wait_for()
    assert "already has a child support case" in page.locator("#decision").inner_text()
    page.screenshot(path=ARTIFACTS / "5-referral.png", full_page=True)


def test_page_loads_nothing_from_elsewhere(page, server):
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(server.url) else None)
    page.reload()
    page.get_by_label("Your API key").wait_for()
    assert outside == [] and "http" not in (Path(__file__).resolve().parents[2] / "service/static/index.html").read_text()


def test_usable_by_keyboard_alone(page, family):
    (first, last, dob, _), _, _ = family
    page.keyboard.press("Tab")  # from the top of the page to the key field, then type and press Enter
    while page.evaluate("document.activeElement && document.activeElement.id") != "api-key":
        page.keyboard.press("Tab")
    page.keyboard.type(KEY["ivd"])
    page.keyboard.press("Enter")
    page.get_by_text("Signed in as").wait_for()
    assert page.evaluate("document.activeElement.id") == "s-purpose"  # focus lands on why, asked first
    page.keyboard.type("intake check")
    page.keyboard.press("Tab")
    page.keyboard.type(first)
    page.keyboard.press("Tab")
    page.keyboard.type(last)
    page.keyboard.press("Tab")
    page.keyboard.type(dob)
    page.keyboard.press("Enter")
    page.locator(".candidate").first.wait_for()
    assert "% match" in page.locator("#results").inner_text()


def test_the_worklist_view_sorts_prints_and_is_offered_to_foster_care_not_tanf(page, family):
    _, _, protected_streets = family
    sign_in(page, "iva")
    assert page.get_by_role("button", name="Placement worklist").is_hidden()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "ive")
    page.get_by_role("button", name="Placement worklist").click()
    page.get_by_label("Why you open the worklist (kept in the audit log)").fill("monthly permanency review")
    page.get_by_label("Count from").fill("2026-11-01")
    page.get_by_role("button", name="Show the worklist").click()
    table = page.locator("#worklist-table")
    table.wait_for()
    dates = table.locator("tbody tr td:first-child").all_inner_texts()
    assert dates and dates == sorted(dates)
    assert "children in an open placement on 2026-11-01" in page.locator("#worklist-summary").inner_text()
    page.screenshot(path=ARTIFACTS / "6-worklist.png")  # the top of it: docs/screenshots/worklist.png
    child_header = table.locator("button.sort", has_text="Child").first  # not "Child support case"
    child_header.click()
    children = table.locator("tbody tr td:nth-child(3)").all_inner_texts()
    assert children == sorted(children)
    assert table.locator("th[aria-sort='ascending']").inner_text().startswith("Child")
    child_header.click()
    assert table.locator("tbody tr td:nth-child(3)").all_inner_texts() == sorted(children, reverse=True)
    text = page.locator("body").inner_text()
    assert not [s for s in protected_streets if s in text]
    page.emulate_media(media="print")
    assert page.locator("#worklist-form").is_hidden() and table.is_visible()
    page.screenshot(path=ARTIFACTS / "7-worklist-print.png", full_page=True)


def test_why_two_records_are_one_person_is_one_click_from_the_person(page, store, server):
    con = duckdb.connect(str(store), read_only=True)
    pid = con.execute(
        "SELECT person_id FROM records GROUP BY person_id HAVING count(*) >= 3 ORDER BY person_id LIMIT 1"
    ).fetchall()[0][0]
    con.close()
    sign_in(page, "ivd")
    page.evaluate(f"openPerson({pid!r}, 'check a merge')")
    why = page.locator("button.why")
    assert why.count() >= 2
    why.first.click()
    page.locator("#why .candidate").wait_for()
    text = page.locator("#why").inner_text()
    assert f"one person ({pid})" in text and "Compared by:" in text and "What the two records agree on" in text
    family = page.locator("table", has=page.locator("caption", has_text="Family members")).locator("tbody tr")
    with server.client("ivd") as http:
        people = {m["person_id"] for m in http.get(f"/v1/persons/{pid}").json()["family"]}
    assert family.count() == len(people) > 1  # one row per person, not one per record
    page.screenshot(path=ARTIFACTS / "8-why.png", full_page=True)


def test_why_two_people_a_search_brings_up_are_not_one_is_one_click_from_the_results(page, store):
    """Twins a letter apart (MIA and MILA, one birth date) come up together for a search of one of
    them; the second result says why the batch kept it apart from the first."""
    con = duckdb.connect(str(store), read_only=True)
    first, last, dob = con.execute("""
        SELECT a.first_name, a.last_name, strftime(a.dob_date, '%Y-%m-%d') FROM pairs p
        JOIN records a ON a.record_id = p.record_id_l JOIN records b ON b.record_id = p.record_id_r
        WHERE a.person_id <> b.person_id AND p.match_probability >= 0.99 AND a.dob_date IS NOT NULL
          AND a.fvi_flag IS NOT TRUE AND b.fvi_flag IS NOT TRUE
        ORDER BY p.match_probability DESC, a.record_id LIMIT 1""").fetchall()[0]
    con.close()
    sign_in(page, "ivd")
    page.get_by_label("Why (kept in the audit log)").fill("check twins")
    page.get_by_label("First name", exact=True).fill(first)
    page.get_by_label("Last name", exact=True).fill(last)
    page.get_by_label("Date of birth", exact=True).fill(dob)
    page.get_by_role("button", name="Search").click()
    page.locator("#results .candidate").first.wait_for()
    assert page.locator("#results .candidate").count() >= 2
    assert page.locator("#results .candidate").first.locator("button.why-not").count() == 0  # nothing to compare the best with
    page.locator("button.why-not").first.click()
    answer = page.locator("#results .why-box .candidate").first
    answer.wait_for()
    text = answer.inner_text()
    assert "two persons (" in text and "Compared by:" in text, text
    page.screenshot(path=ARTIFACTS / "9-why-not.png", full_page=True)  # docs/screenshots/why-not.png
