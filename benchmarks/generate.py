"""Seeded generator of families and their IV-A, IV-D and IV-E records, with known truth.

Every hard case of domain.md is produced on purpose: twins, JR/SR father and son, mother and daughter
of the same name, compound and married surnames, nicknames, accents, first/last swaps, day/month
swaps, SSN typos, transpositions and placeholders, thin absent-parent records, duplicate IV-D cases,
fathers with children by several mothers, a child in two IV-D cases (a second man alleged to be the
father), children in foster care whose IV-D case still pays the parent they were removed from, and
closed placements (the child went home) that must not be reported as such.

Outputs (in --out): records.csv|parquet (the schema's input), truth.csv (record_id -> person_key),
hard_pairs.csv (look-alike persons that must never share a person_id), cases.csv (case truth),
parents.csv (child_key, father_key, mother_key). IV-E children carry placement dates, the parent they
were removed from and the case goal; IV-A members the grant dates.

    python -m benchmarks.generate --families 3000 --seed 7 --out data/demo
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

import polars as pl

from benchmarks import names as N

PLACEHOLDER_SSNS = ["000000000", "999999999", "123456789", "111111111"]
PROGRAM_FIELDS = {
    "placement_start": "",
    "placement_end": "",
    "removed_from": "",
    "case_goal": "",
    "grant_start": "",
    "grant_end": "",
}  # every record has the columns, blank where its program has no such field
CASE_GOALS = ["REUNIFICATION", "ADOPTION", "GUARDIANSHIP", "OTHER"]
GENERATION_SHARE = 0.35  # parents whose own childhood case is in the data (with generations=True)
MOTHER_OWES_SHARE = 0.05  # families whose father has custody and the mother owes (with generations=True)
TODAY = date(2026, 11, 1)


@dataclass
class Person:
    key: int
    first: str
    middle: str
    last: list[str]
    sex: str
    dob: date
    ssn: str
    hispanic: bool
    suffix: str = ""
    married_last: list[str] | None = None
    address: tuple[str, str, str] = ("", "", "")
    old_address: tuple[str, str, str] | None = None
    fvi: bool = False


@dataclass
class Family:
    fid: int
    mother: Person
    fathers: list[tuple[Person, list[Person]]] = field(default_factory=list)
    county: int = 0  # where the family lives (an index into names.COUNTIES)

    @property
    def children(self) -> list[Person]:
        return [c for _, kids in self.fathers for c in kids]


class Pool:
    """A Zipf-weighted name pool: a few names (GARCIA, MARIA) are very common, as in real data."""

    def __init__(self, names: list[str], exponent: float = 0.9):
        self.names = names
        self.cum = list(accumulate(1.0 / (r + 1) ** exponent for r in range(len(names))))

    def pick(self, rng: random.Random) -> str:
        return rng.choices(self.names, cum_weights=self.cum)[0]


POOLS = {
    ("H", "F"): Pool(N.HISPANIC_FEMALE),
    ("H", "M"): Pool(N.HISPANIC_MALE),
    ("O", "F"): Pool(N.OTHER_FEMALE),
    ("O", "M"): Pool(N.OTHER_MALE),
    ("H", "S"): Pool(N.HISPANIC_SURNAMES, 0.8),
    ("O", "S"): Pool([s.replace(".", " ") for s in N.OTHER_SURNAMES], 0.8),
}


class World:
    """Creates people and families; keeps SSNs unique and the truth of who is who."""

    def __init__(self, seed: int, counties: int = 1):
        if not 1 <= counties <= len(N.COUNTIES):
            raise ValueError(f"counties must be between 1 and {len(N.COUNTIES)}, not {counties}")
        self.rng = random.Random(seed)
        self.seed = seed
        self.counties = counties
        self.next_key = 1
        self.ssns: set[str] = set()
        self.hard_pairs: list[tuple[int, int, str]] = []
        self.fathers: dict[int, list[Person]] = {}  # by county

    def ssn(self) -> str:
        rng = self.rng
        while True:
            area = rng.randint(1, 899)
            if area == 666:
                continue
            s = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
            if s not in self.ssns:
                self.ssns.add(s)
                return s

    def address(self, county: int = 0) -> tuple[str, str, str]:
        rng = self.rng
        street_type = rng.choice(N.STREET_TYPES)[0]
        street = f"{rng.randint(100, 19999)} {rng.choice(N.STREET_NAMES).replace('.', ' ')} {street_type}"
        if rng.random() < 0.25:
            street += f" APT {rng.randint(1, 40)}"
        city, zip3 = rng.choice(N.COUNTIES[county])
        return street, city, f"{zip3}{rng.randint(1, 99):02d}"

    def person(self, sex: str, dob: date, hispanic: bool, last: list[str] | None = None, first: str | None = None) -> Person:
        rng = self.rng
        eth = "H" if hispanic else "O"
        if last is None:
            last = [POOLS[(eth, "S")].pick(rng)]
            if hispanic and rng.random() < 0.5:
                second = POOLS[(eth, "S")].pick(rng)
                if second != last[0]:
                    last.append(second)
        middle = POOLS[(eth, sex)].pick(rng) if rng.random() < 0.6 else ""
        if first is None:
            first = POOLS[(eth, sex)].pick(rng)
            if hispanic and rng.random() < 0.15:  # MARIA GUADALUPE, JUAN CARLOS, JOSE LUIS
                lead = rng.choice(["MARIA", "ANA"] if sex == "F" else ["JOSE", "JUAN", "LUIS"])
                if lead != first:
                    first = f"{lead} {first}"
        p = Person(self.next_key, first, middle, list(last), sex, dob, self.ssn(), hispanic)
        self.next_key += 1
        return p

    def dob_between(self, lo: date, hi: date) -> date:
        return lo + timedelta(days=self.rng.randint(0, max(0, (hi - lo).days)))

    def family(self, fid: int) -> Family:
        rng = self.rng
        hispanic = rng.random() < 0.55
        mother = self.person("F", self.dob_between(date(1972, 1, 1), date(2006, 12, 31)), hispanic)
        # a family lives and moves within its county (one county: no draw, so the data of a
        # county-sized file are what they were before counties existed)
        county = rng.randrange(self.counties) if self.counties > 1 else 0
        mother.address = self.address(county)
        mother.old_address = self.address(county) if rng.random() < 0.4 else None
        mother.fvi = rng.random() < 0.04
        fam = Family(fid, mother, county=county)
        n_fathers = 1 if rng.random() < 0.8 else 2
        for i in range(n_fathers):
            father = self.father_for(mother, hispanic, county)
            if i == 0 and rng.random() < 0.35:
                mother.married_last = [father.last[0]]
            fam.fathers.append((father, self.children(mother, father, hispanic)))
        return fam

    def father_for(self, mother: Person, hispanic: bool, county: int = 0) -> Person:
        rng = self.rng
        near = self.fathers.setdefault(county, [])
        if near and rng.random() < 0.08:
            return rng.choice(near)  # the same man fathers children with several mothers of his county
        lo = mother.dob - timedelta(days=365 * 10)  # fathers are mostly older than the mothers
        father = self.person("M", self.dob_between(lo, mother.dob), hispanic if rng.random() < 0.85 else not hispanic)
        father.address = self.address(county)
        father.old_address = self.address(county) if rng.random() < 0.4 else None
        father.fvi = rng.random() < 0.02
        near.append(father)
        return father

    def children(self, mother: Person, father: Person, hispanic: bool) -> list[Person]:
        rng = self.rng
        lo = max(date(2008, 1, 1), mother.dob + timedelta(days=365 * 16))
        hi = TODAY - timedelta(days=30)
        if lo >= hi:
            lo = hi - timedelta(days=365)
        if hispanic:
            last = [father.last[0], mother.last[0]] if father.last[0] != mother.last[0] else [father.last[0]]
        else:
            last = [father.last[0]] if rng.random() < 0.7 else [mother.last[0]]
        kids: list[Person] = []
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            sex = rng.choice("MF")
            kids.append(self.person(sex, self.dob_between(lo, hi), hispanic, last))
        self.hard_cases(kids, mother, father, last, lo, hi, hispanic)
        for kid in kids:
            kid.address = mother.address
            kid.old_address = mother.old_address
            kid.fvi = mother.fvi and rng.random() < 0.5
        for a in range(len(kids)):
            for b in range(a + 1, len(kids)):
                self.hard_pairs.append((kids[a].key, kids[b].key, "siblings"))
        return kids

    def hard_cases(
        self, kids: list[Person], mother: Person, father: Person, last: list[str], lo: date, hi: date, hispanic: bool
    ) -> None:
        """Turn some children into twins, a JR named for his father or a daughter named for her mother."""
        rng = self.rng
        r = rng.random()
        if r < 0.06:
            a, b, sa, sb = rng.choice(N.TWIN_PAIRS)
            dob = self.dob_between(lo, hi)
            t1 = self.person(sa, dob, hispanic, last, first=a)
            t2 = self.person(sb, dob, hispanic, last, first=b)
            if rng.random() < 0.5:  # twins' SSNs are often issued one after the other
                nxt = f"{t1.ssn[:5]}{(int(t1.ssn[5:]) % 9998) + 1:04d}"
                if nxt not in self.ssns:
                    self.ssns.add(nxt)
                    t2.ssn = nxt
            kids.extend([t1, t2])
            self.hard_pairs.append((t1.key, t2.key, "twins"))
        elif r < 0.12 and father.suffix != "JR":
            son = self.person("M", self.dob_between(lo, hi), hispanic, list(father.last), first=father.first)
            son.middle, son.suffix = father.middle, "JR"
            if not father.suffix:
                father.suffix = "SR" if rng.random() < 0.5 else ""
            kids.append(son)
            self.hard_pairs.append((father.key, son.key, "jr_sr"))
        elif r < 0.16:
            daughter = self.person("F", self.dob_between(lo, hi), hispanic, list(mother.last), first=mother.first)
            daughter.middle = mother.middle if rng.random() < 0.5 else daughter.middle
            kids.append(daughter)
            self.hard_pairs.append((mother.key, daughter.key, "mother_daughter"))


# ---------------------------------------------------------------------------------------------------
# Rendering a person as one program types them


SSN_PRESENT = {
    ("IV-D", "CP"): 0.9,
    ("IV-D", "NCP"): 0.75,
    ("IV-D", "PF"): 0.4,
    ("IV-D", "CH"): 0.6,
    ("IV-A", "CP"): 0.97,
    ("IV-A", "NCP"): 0.12,
    ("IV-A", "CH"): 0.9,
    ("IV-E", "CP"): 0.5,
    ("IV-E", "NCP"): 0.3,
    ("IV-E", "CH"): 0.7,
}
DOB_PRESENT = {("IV-A", "NCP"): 0.2, ("IV-E", "NCP"): 0.6, ("IV-D", "PF"): 0.5}


class Renderer:
    """Types a person's true attributes into a record with the errors each program makes."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seq = 0

    def start_case(self, people: list) -> None:
        """The case writer names a case's people before typing them (this model needs none)."""

    def copies(self, program: str, role: str) -> int:
        return 1

    def typo(self, s: str) -> str:
        rng = self.rng
        if len(s) < 3:
            return s
        i = rng.randint(1, len(s) - 1)
        op = rng.random()
        letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        if op < 0.3:
            return s[:i] + rng.choice(letters) + s[i + 1 :]
        if op < 0.55:
            return s[:i] + s[i + 1 :]
        if op < 0.8:
            return s[:i] + rng.choice(letters) + s[i:]
        if i < len(s) - 1:
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
        return s

    def case(self, s: str) -> str:
        r = self.rng.random()
        return s if r < 0.6 else (s.title() if r < 0.9 else s.lower())

    def accent(self, s: str) -> str:
        return N.ACCENTED.get(s, s) if self.rng.random() < 0.4 else s

    def first_name(self, p: Person, thin: bool) -> str:
        rng = self.rng
        name = p.first
        if " " in name:  # a double first name is written whole, or by one of its halves
            r = rng.random()
            name = name if r < 0.6 else name.split(" ")[0] if r < 0.75 else name.split(" ")[1]
        if name in N.NICKNAMES and rng.random() < (0.3 if thin else 0.08):
            name = rng.choice(N.NICKNAMES[name])
        elif rng.random() < 0.03:
            name = self.typo(name)
        return self.accent(name)

    def surname(self, p: Person, program: str, role: str) -> str:
        rng = self.rng
        tokens = p.last
        if p.married_last and rng.random() < (0.55 if program == "IV-A" else 0.35):
            tokens = p.married_last
        if len(tokens) == 2:
            r = rng.random()
            text = (
                f"{tokens[0]} {tokens[1]}"
                if r < 0.45
                else f"{tokens[0]}-{tokens[1]}"
                if r < 0.65
                else tokens[0]
                if r < 0.93
                else tokens[1]
            )
        else:
            text = tokens[0]
        text = " ".join(self.accent(t) for t in text.split(" "))
        if rng.random() < 0.03:
            text = self.typo(text)
        return text

    def dob(self, p: Person, program: str, role: str) -> str:
        rng = self.rng
        if rng.random() > DOB_PRESENT.get((program, role), 0.97):
            return ""
        d = p.dob
        r = rng.random()
        if r < 0.02 and d.day <= 12 and d.day != d.month and date(d.year, d.day, d.month) < TODAY:
            d = date(d.year, d.day, d.month)
        elif r < 0.04:
            d = self.digit_off(d)
        f = rng.random()
        if f < 0.8:
            return d.isoformat()
        if f < 0.92:
            return d.strftime("%m/%d/%Y")
        return d.strftime("%Y%m%d")

    def digit_off(self, d: date) -> date:
        s = d.strftime("%Y%m%d")
        for _ in range(20):
            i = self.rng.choice([2, 3, 5, 6, 7])
            t = s[:i] + str(self.rng.randint(0, 9)) + s[i + 1 :]
            try:
                nd = date(int(t[:4]), int(t[4:6]), int(t[6:]))
            except ValueError:
                continue
            if nd != d and nd < TODAY:
                return nd
        return d

    def ssn(self, p: Person, program: str, role: str) -> str:
        rng = self.rng
        if rng.random() > SSN_PRESENT.get((program, role), 0.8):
            return ""
        s = p.ssn
        r = rng.random()
        if r < 0.03:
            return rng.choice(PLACEHOLDER_SSNS)
        if r < 0.05:
            i = rng.randint(0, 8)
            s = s[:i] + str((int(s[i]) + rng.randint(1, 9)) % 10) + s[i + 1 :]
        elif r < 0.07:
            i = rng.randint(0, 7)
            s = s[:i] + s[i + 1] + s[i] + s[i + 2 :]
        return f"{s[:3]}-{s[3:5]}-{s[5:]}" if rng.random() < 0.5 else s

    def record(self, p: Person, program: str, case_id: str, role: str, status: str = "OPEN", paternity: str = "") -> dict:
        rng = self.rng
        self.seq += 1
        thin = program == "IV-A" and role == "NCP"
        first, last = self.first_name(p, thin), self.surname(p, program, role)
        suffix, middle = "", ""
        if p.suffix:
            r = rng.random()
            if r < 0.6:
                suffix = p.suffix
            elif r < 0.8:
                last = f"{last} {p.suffix}"
            elif r < 0.85:
                first = f"{first} {p.suffix}"
        if p.middle and rng.random() < (0.55 if program == "IV-D" else 0.2) and not thin:
            middle = p.middle if rng.random() < 0.7 else p.middle[0]
        if rng.random() < 0.01:
            first, last = last, first
        address = p.address
        if p.old_address and rng.random() < 0.35:
            address = p.old_address
        if thin and rng.random() < 0.8:
            address = ("", "", "")
        street, city, zip_ = address
        return {
            "record_id": f"R{self.seq:09d}",
            "source_system": program,
            "case_id": case_id,
            "role": role,
            "first_name": self.case(first),
            "middle_name": self.case(middle),
            "last_name": self.case(last),
            "suffix": suffix,
            "dob": "" if thin and rng.random() < 0.5 else self.dob(p, program, role),
            "sex": p.sex if rng.random() < 0.95 else "",
            "ssn": self.ssn(p, program, role),
            "street": street,
            "city": city,
            "state": "CA" if street else "",
            "zip": zip_,
            "case_status": status,
            "paternity_status": paternity,
            "fvi": "Y" if p.fvi and (program == "IV-D" or rng.random() < 0.5) else "",
        }


# ---------------------------------------------------------------------------------------------------
# Cases


class CaseWriter:
    """Opens the cases each program would have for a family and keeps the case truth.
    errors: "generator" (this module's `Renderer`) or "admin" (`admin_errors.AdminRenderer`, a
    second error model written apart from the first)."""

    def __init__(self, world: World, errors: str = "generator"):
        self.world = world
        self.rng = world.rng
        if errors not in ERROR_MODELS:
            raise ValueError(f"errors must be one of {', '.join(ERROR_MODELS)}, not {errors!r}")
        self.render = ERROR_MODELS[errors](world.rng)
        self.records: list[dict] = []
        self.truth: list[dict] = []
        self.cases: list[dict] = []
        self.counters = {"IV-A": 0, "IV-D": 0, "IV-E": 0}
        self.parents: list[dict] = []  # child_key, father_key, mother_key: who a child's parents are
        self.last_record: dict[int, str] = {}  # person key -> a record_id of theirs
        self.raised: set[int] = set()  # parents given a childhood case (a father of several families once)

    def case_id(self, program: str) -> str:
        self.counters[program] += 1
        return f"{program[-1]}{self.counters[program]:08d}"

    def add(self, p: Person, fam: Family, program: str, cid: str, role: str, extra: dict | None = None, **kw) -> None:
        for _ in range(self.render.copies(program, role)):
            rec = {**self.render.record(p, program, cid, role, **kw), **PROGRAM_FIELDS, **(extra or {})}
            self.records.append(rec)
            self.truth.append({"record_id": rec["record_id"], "person_key": p.key, "family_id": fam.fid})
            self.last_record[p.key] = rec["record_id"]

    def add_case(
        self,
        fam: Family,
        program: str,
        cp: Person | None,
        fathers: list[Person],
        kids: list[Person],
        status: str = "OPEN",
        duplicate_of: str = "",
        removed_from: Person | None = None,
        alleged: bool = False,
    ) -> str:
        cid = self.case_id(program)
        self.render.start_case([cp, *fathers, *kids])
        case_fields, child_fields, removed_from = self.program_fields(program, cid, status, cp, fathers, removed_from)
        if cp is not None:
            self.add(cp, fam, program, cid, "CP", case_fields, status=status)
        for f in fathers:
            paternity = ""
            role = "NCP"
            if program == "IV-D" and f.sex == "M":  # a mother who owes has no paternity status
                paternity = (
                    "ALLEGED"
                    if alleged
                    else self.rng.choices(["ADJUDICATED", "ACKNOWLEDGED", "PRESUMED", "ALLEGED"], [40, 40, 5, 15])[0]
                )
                role = "PF" if paternity == "ALLEGED" else "NCP"
            self.add(f, fam, program, cid, role, case_fields, status=status, paternity=paternity)
        for k in kids:
            self.add(k, fam, program, cid, "CH", {**case_fields, **child_fields}, status=status)
        self.cases.append(
            {
                "source_system": program,
                "case_id": cid,
                "family_id": str(fam.fid),
                "status": status,
                "cp_key": str(cp.key) if cp else "",
                "ncp_keys": " ".join(str(f.key) for f in fathers),
                "child_keys": " ".join(str(k.key) for k in kids),
                "duplicate_of": duplicate_of,
                "removed_from_key": str(removed_from.key) if removed_from else "",
            }
        )
        return cid

    def program_fields(
        self, program: str, cid: str, status: str, cp: Person | None, fathers: list[Person], removed_from: Person | None
    ) -> tuple[dict, dict, Person | None]:
        """Placement fields of a IV-E case's children, grant fields of a IV-A case's members, and
        the parent a child in care was removed from. Drawn from the case's own random stream, so
        that the people, cases and errors of a seed are the same with these fields or without."""
        r = random.Random(f"{self.world.seed}:{cid}")
        if program == "IV-A":
            start = TODAY - timedelta(days=r.randint(30, 1500))
            end = (
                "" if r.random() < 0.8 else min(start + timedelta(days=r.randint(60, 900)), TODAY - timedelta(days=1)).isoformat()
            )
            return {"grant_start": start.isoformat(), "grant_end": end}, {}, removed_from
        if program != "IV-E":
            return {}, {}, removed_from
        start = TODAY - timedelta(days=r.randint(20, 900))
        end = "" if status == "OPEN" else min(start + timedelta(days=r.randint(30, 600)), TODAY - timedelta(days=1)).isoformat()
        if fathers and r.random() < 0.15:  # removed from the father's home
            removed_from, removed = fathers[0], "NCP"
        elif cp is not None:
            removed = "CP"
        else:  # the mother is not on the foster-care case: named by one of her records elsewhere
            removed = self.last_record.get(removed_from.key, "") if removed_from else ""
        goal = r.choices(CASE_GOALS, [60, 20, 12, 8])[0]
        return (
            {"case_goal": goal},
            {"placement_start": start.isoformat(), "placement_end": end, "removed_from": removed},
            removed_from,
        )

    def family_cases(self, fam: Family) -> None:
        for father, kids in fam.fathers:
            self.parents += [{"child_key": k.key, "father_key": father.key, "mother_key": fam.mother.key} for k in kids]
        rng = self.rng
        for father, kids in fam.fathers:
            if rng.random() < 0.75:
                status = "OPEN" if rng.random() < 0.85 else "CLOSED"
                cid = self.add_case(fam, "IV-D", fam.mother, [father], kids, status)
                if rng.random() < 0.03:
                    self.add_case(fam, "IV-D", fam.mother, [father], kids, "OPEN", duplicate_of=cid)
                elif rng.random() < 0.02:  # another man was alleged to be the father: a case of his own
                    other = self.world.father_for(fam.mother, fam.mother.hispanic, fam.county)
                    self.add_case(fam, "IV-D", fam.mother, [other], kids, "OPEN", alleged=True)
        if rng.random() < 0.45:
            known = [f for f, _ in fam.fathers if rng.random() < 0.8]
            self.add_case(fam, "IV-A", fam.mother, known, fam.children)
        if rng.random() < 0.12:
            removed = [k for k in fam.children if rng.random() < 0.7] or fam.children[:1]
            fathers = [f for f, kids in fam.fathers if set(map(id, kids)) & set(map(id, removed))]
            cp = fam.mother if rng.random() < 0.7 else None
            status = "OPEN" if rng.random() < 0.85 else "CLOSED"  # closed: the child went home
            self.add_case(fam, "IV-E", cp, [f for f in fathers if rng.random() < 0.6], removed, status, removed_from=fam.mother)

    def custody_with_father(self, fam: Family) -> None:
        """Now and then the father has the children and the mother owes support: a IV-D case with
        him as custodial party and her on the NCP side (a mother who owes is not a "father")."""
        if len(fam.fathers) == 1 and self.rng.random() < MOTHER_OWES_SHARE:
            father, kids = fam.fathers[0]
            self.add_case(fam, "IV-D", father, [fam.mother], kids, "OPEN")

    def childhood_cases(self, fam: Family) -> None:
        """Three generations: some parents were children in an older case of their own, with their
        mother (the custodial party), their father and their siblings, each with records of their own.
        A father's parents and siblings are the paternal relatives a foster-care worker looks for."""
        world, rng = self.world, self.rng
        fathers = [f for f, _ in fam.fathers if f.key not in self.raised]
        for parent in [fam.mother, *fathers]:
            if rng.random() >= GENERATION_SHARE:
                continue
            self.raised.add(parent.key)
            grandmother = world.person(
                "F", parent.dob - timedelta(days=365 * rng.randint(18, 32) + rng.randint(0, 364)), parent.hispanic
            )
            grandfather = world.person(
                "M", grandmother.dob - timedelta(days=rng.randint(-1500, 3000)), parent.hispanic, last=parent.last[:1]
            )
            grandmother.address = grandfather.address = world.address(fam.county)
            siblings = [
                world.person(
                    rng.choice("MF"), parent.dob + timedelta(days=rng.randint(-2500, 2500)), parent.hispanic, last=parent.last
                )
                for _ in range(rng.choice([0, 1, 1, 2, 3]))
            ]
            for s in siblings:
                s.address = world.address(fam.county)
            kids = sorted([parent, *siblings], key=lambda p: p.dob)
            self.parents += [{"child_key": k.key, "father_key": grandfather.key, "mother_key": grandmother.key} for k in kids]
            grown = min(k.dob for k in kids) < TODAY - timedelta(days=365 * 21)  # the case closed when they grew up
            self.add_case(fam, "IV-D", grandmother, [grandfather], kids, "CLOSED" if grown else "OPEN")
            for s in siblings:  # a sibling grown up: a case of their own as a parent, now and then
                if rng.random() < 0.3:
                    baby = world.person(
                        rng.choice("MF"),
                        min(TODAY - timedelta(days=400), s.dob + timedelta(days=365 * 22)),
                        s.hispanic,
                        last=s.last,
                    )
                    self.parents.append(
                        {
                            "child_key": baby.key,
                            "father_key": s.key if s.sex == "M" else 0,
                            "mother_key": s.key if s.sex == "F" else 0,
                        }
                    )
                    self.add_case(fam, "IV-A", s, [], [baby])


def _admin_renderer(rng: random.Random):
    from benchmarks.admin_errors import AdminRenderer

    return AdminRenderer(rng)


ERROR_MODELS = {"generator": Renderer, "admin": _admin_renderer}

BAD_ROWS = [  # rows that cannot be a person (a bad field alone is blanked, not quarantined)
    ("", "IV-D", "CP", "1990-01-01", "missing record_id"),
    ("BAD-SRC", "IV-X", "CP", "1990-01-01", "unknown source_system"),
    ("BAD-ROLE", "IV-D", "XX", "1990-01-01", "unknown role"),
    ("BAD-NAMELESS", "IV-A", "CH", "2019-02-03", "no name and no SSN"),
    ("BAD-CASE", "IV-A", "CH", "2019-02-03", "missing case_id"),
]


def bad_rows(n: int, records: list[dict]) -> list[dict]:
    """Rows the linkage must quarantine, not drop: one kind after another, then duplicate ids."""
    out = []
    for i in range(n):
        if i % (len(BAD_ROWS) + 1) == len(BAD_ROWS) and records:
            out.append(dict(records[i % len(records)]))  # same id, same person: one of the two is quarantined
            continue
        rid, src, role, dob, why = BAD_ROWS[i % (len(BAD_ROWS) + 1)]
        named = why != "no name and no SSN"
        out.append(
            {
                **{k: "" for k in records[0]},
                "record_id": f"{rid}-{i}" if rid else "",
                "source_system": src,
                "case_id": "" if why == "missing case_id" else f"X{i}",
                "role": role,
                "first_name": "BAD" if named else "",
                "last_name": "ROW" if named else "",
                "dob": dob,
            }
        )
    return out


def generate(
    families: int | None = None,
    seed: int = 7,
    records: int | None = None,
    bad: int = 0,
    counties: int = 1,
    errors: str = "generator",
    generations: bool = False,
) -> dict[str, pl.DataFrame]:
    """Build the data sets in memory: stop at `families` families or at `records` records.

    counties: how many counties' cities the families live in (1: one county's, as a county's file;
    a statewide file of several million records spans several). errors: which error model types
    the records (see `CaseWriter`). generations: also the childhood cases of some parents (their
    parents and siblings, `CaseWriter.childhood_cases`), made after every family so that the rest of
    a seed's data is the same with them or without; with them, some mothers owe support to a father
    who has the children)."""
    world = World(seed, counties)
    writer = CaseWriter(world, errors)
    fid = 0
    made: list[Family] = []
    while (families is not None and fid < families) or (records is not None and len(writer.records) < records):
        fid += 1
        made.append(world.family(fid))
        writer.family_cases(made[-1])
    if generations:
        for fam in made:
            writer.custody_with_father(fam)
            writer.childhood_cases(fam)
    rows = writer.records + bad_rows(bad, writer.records)
    world.rng.shuffle(rows)
    return {
        "records": pl.DataFrame(rows, schema={k: pl.String for k in rows[0]}),
        "truth": pl.DataFrame(writer.truth),
        "hard_pairs": pl.DataFrame(world.hard_pairs, schema=["person_key_a", "person_key_b", "kind"], orient="row"),
        "cases": pl.DataFrame(writer.cases),
        "parents": pl.DataFrame(writer.parents, schema={"child_key": pl.Int64, "father_key": pl.Int64, "mother_key": pl.Int64}),
    }


def write(data: dict[str, pl.DataFrame], out: Path, fmt: str = "csv") -> None:
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        data["records"].write_parquet(out / "records.parquet")
    else:
        data["records"].write_csv(out / "records.csv")
    for name in ("truth", "hard_pairs", "cases", "parents"):
        data[name].write_csv(out / f"{name}.csv")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--families", type=int)
    ap.add_argument("--records", type=int, help="generate families until this many records")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--bad-rows", type=int, default=0)
    ap.add_argument("--counties", type=int, default=1, help=f"1 to {len(N.COUNTIES)}: a statewide file spans several")
    ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
    ap.add_argument(
        "--errors",
        choices=list(ERROR_MODELS),
        default="generator",
        help="the error model: this generator's own, or admin (how administrative files go wrong)",
    )
    ap.add_argument(
        "--generations",
        action="store_true",
        help="also some parents' own childhood cases, with their parents and siblings, and mothers who owe support",
    )
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    if a.families is None and a.records is None:
        a.families = 1000
    data = generate(a.families, a.seed, a.records, a.bad_rows, a.counties, a.errors, a.generations)
    write(data, a.out, a.format)
    r = data["records"]
    print(
        f"generated {r.height} records ({data['truth']['person_key'].n_unique()} persons, "
        f"{data['hard_pairs'].height} look-alike pairs) in {a.out}"
    )


if __name__ == "__main__":
    main()
