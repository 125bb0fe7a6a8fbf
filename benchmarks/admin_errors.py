"""A second error model: how administrative files go wrong, written apart from the first generator's.

The first generator (`generate.Renderer`) makes the errors its authors built the linkage around:
keyboard typos, nicknames, accents, day/month swaps, digit slips. Real extracts also hold values that
are *wholly* wrong yet explainable, at rates no linkage rule was tuned to. This renderer types the
same people and cases with those, so accuracy can be measured on errors the linkage was not designed
for (`python -m benchmarks.generate --errors admin`). Rates are per record, chosen from how the
literature and the seed reports describe case-management extracts, not from our linkage's misses:

- identity numbers: another household member's SSN (the case head's typed on a child's record, one
  parent's on the other's); a number several unrelated people use (a made-up but valid-looking SSN);
  an unrelated person's number entirely; missing far more often for children and absent parents;
- dates of birth: only the year known (entered as January 1st); the 1st of the month; a system default
  (1900-01-01); the case's opening date; a wrong decade; a wholly different date;
- names: the person goes by the middle name; first and middle swapped; an initial only; a legacy
  system's field length (surnames cut at 12 characters in IV-A); apostrophes, hyphens and spaces
  dropped or added (O'NEIL, ONEIL, O NEIL); spelled as heard (PH/F, Y/I, silent H, doubled letters);
  a child under the mother's current or a step-parent's surname; the whole name in the surname field;
  first and last the other way round;
- other fields: a wrong sex code; an old address; a person typed twice into one case.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from benchmarks import names as N

TODAY = date(2026, 11, 1)
SHARED_SSNS = ["219099999", "457555462", "078051121", "512224567"]  # valid-looking numbers several people use
SOUNDS = [
    ("PH", "F"),
    ("F", "PH"),
    ("Y", "I"),
    ("I", "Y"),
    ("Z", "S"),
    ("S", "Z"),
    ("CK", "K"),
    ("C", "K"),
    ("LL", "L"),
    ("NN", "N"),
    ("TT", "T"),
    ("EE", "I"),
    ("OU", "U"),
    ("AE", "E"),
]
DOB_PRESENT = {("IV-A", "NCP"): 0.35, ("IV-A", "CH"): 0.92, ("IV-E", "NCP"): 0.6, ("IV-D", "PF"): 0.7}
SSN_PRESENT = {
    ("IV-A", "NCP"): 0.25,
    ("IV-A", "CH"): 0.6,
    ("IV-E", "CH"): 0.55,
    ("IV-D", "CH"): 0.5,
    ("IV-E", "NCP"): 0.4,
    ("IV-D", "PF"): 0.4,
}


class AdminRenderer:
    """Types a person's true attributes as an administrative extract would (see the module)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.seq = 0
        self.case_people: list = []  # the people of the case being typed (set by the case writer)
        self.case_opened: date = TODAY

    # --- the case writer's hooks ----------------------------------------------------------------
    def start_case(self, people: list) -> None:
        self.case_people = [p for p in people if p is not None]
        self.case_opened = TODAY - timedelta(days=self.rng.randint(30, 3650))

    def copies(self, program: str, role: str) -> int:
        """How many times this person is typed into this case: now and then twice."""
        return 2 if self.rng.random() < 0.005 else 1

    # --- names ---------------------------------------------------------------------------------
    def _spoken(self, s: str) -> str:
        """Spelled as heard: one sound written another way."""
        options = [(a, b) for a, b in SOUNDS if a in s[1:]]
        if not options:
            return s
        a, b = self.rng.choice(options)
        i = s.index(a, 1)
        return s[:i] + b + s[i + len(a) :]

    def _punctuation(self, s: str) -> str:
        if "'" in s or "-" in s:
            return s.replace("'", self.rng.choice(["", " "])).replace("-", self.rng.choice(["", " "]))
        if " " in s:
            return s.replace(" ", self.rng.choice(["", "-"]))
        return s

    def _given(self, p, program: str) -> tuple[str, str]:
        """(first, middle) as typed."""
        rng = self.rng
        first = p.first.split(" ")[0] if " " in p.first and rng.random() < 0.3 else p.first
        middle = p.middle if rng.random() < (0.5 if program == "IV-D" else 0.25) else ""
        r = rng.random()
        if p.middle and r < 0.04:  # goes by the middle name
            first, middle = p.middle, ("" if rng.random() < 0.6 else p.first)
        elif p.middle and r < 0.05:  # first and middle the other way round
            first, middle = p.middle, p.first
        elif 0.05 <= r < 0.06:
            first = first[0]
        elif 0.06 <= r < 0.08:
            first = self._spoken(first)
        return first, middle

    def _surname(self, p, program: str, role: str) -> str:
        rng = self.rng
        tokens = p.married_last if p.married_last and rng.random() < 0.45 else p.last
        text = " ".join(tokens) if len(tokens) == 1 or rng.random() < 0.6 else rng.choice(tokens)
        if role == "CH" and rng.random() < 0.06:  # under the mother's current or a step-parent's surname
            mother = next((q for q in self.case_people if q is not p and q.sex == "F" and q.dob < p.dob), None)
            if mother is not None and rng.random() < 0.6:
                text = " ".join(mother.married_last or mother.last)
            else:
                text = rng.choice(N.HISPANIC_SURNAMES if p.hispanic else N.OTHER_SURNAMES).replace(".", " ")
        r = rng.random()
        if r < 0.03:
            text = self._punctuation(text)
        elif r < 0.05:
            text = self._spoken(text)
        return text

    # --- dates and numbers ----------------------------------------------------------------------
    def _dob(self, p, program: str, role: str) -> str:
        rng = self.rng
        if rng.random() > DOB_PRESENT.get((program, role), 0.96):
            return ""
        d = p.dob
        year_only = 0.05 if role in ("NCP", "PF") else 0.02
        error = _pick(
            rng.random(),
            [
                ("year only", year_only),
                ("first of month", 0.007),
                ("default", 0.003),
                ("case opened", 0.003),
                ("decade", 0.007),
                ("other date", 0.007),
            ],
        )
        if error == "year only":
            d = date(d.year, 1, 1)
        elif error == "first of month":
            d = date(d.year, d.month, 1)
        elif error == "default":
            d = date(1900, 1, 1)
        elif error == "case opened":
            d = self.case_opened
        elif error == "decade":
            shifted = d.year + rng.choice([-10, 10])
            d = date(shifted, d.month, min(d.day, 28)) if date(shifted, 1, 1) < TODAY else d
        elif error == "other date":
            d = min(d + timedelta(days=rng.choice([-1, 1]) * rng.randint(200, 5000)), TODAY - timedelta(days=1))
        return d.strftime(rng.choice(["%Y-%m-%d", "%Y-%m-%d", "%m/%d/%Y"]))

    def _ssn(self, p, program: str, role: str) -> str:
        rng = self.rng
        if rng.random() > SSN_PRESENT.get((program, role), 0.85):
            return ""
        s = p.ssn
        others = [q for q in self.case_people if q is not p and q.ssn]
        error = _pick(
            rng.random(),
            [
                ("household", (0.04 if role == "CH" else 0.007) if others else 0.0),
                ("shared", 0.003),
                ("unrelated", 0.003),
                ("digit", 0.01),
            ],
        )
        if error == "household":  # the case head's number on a child, one parent's on the other
            s = next((q.ssn for q in others if q.dob < p.dob), others[0].ssn) if role == "CH" else rng.choice(others).ssn
        elif error == "shared":
            s = rng.choice(SHARED_SSNS)
        elif error == "unrelated":
            s = f"{rng.randint(1, 665):03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        elif error == "digit":
            i = rng.randint(0, 8)
            s = s[:i] + str((int(s[i]) + rng.randint(1, 9)) % 10) + s[i + 1 :]
        return s if rng.random() < 0.7 else f"{s[:3]}-{s[3:5]}-{s[5:]}"

    # --- a record --------------------------------------------------------------------------------
    def record(self, p, program: str, case_id: str, role: str, status: str = "OPEN", paternity: str = "") -> dict:
        rng = self.rng
        self.seq += 1
        first, middle = self._given(p, program)
        last = self._surname(p, program, role)
        error = _pick(rng.random(), [("swapped", 0.01), ("one field", 0.005)])
        if error == "swapped":
            first, last = last, first
        elif error == "one field":
            first, last = "", f"{last}, {first}"  # the whole name in one field
        if program == "IV-A":
            last = last[:12].rstrip()  # the legacy system's field length
        address = p.old_address if p.old_address and rng.random() < 0.3 else p.address
        if role in ("NCP", "PF") and program == "IV-A" and rng.random() < 0.7:
            address = ("", "", "")
        street, city, zip_ = address
        sex = p.sex if rng.random() > 0.01 else ("M" if p.sex == "F" else "F")
        upper = rng.random() < 0.8
        style = (lambda s: s.upper()) if upper else (lambda s: s.title())
        return {
            "record_id": f"R{self.seq:09d}",
            "source_system": program,
            "case_id": case_id,
            "role": role,
            "first_name": style(first),
            "middle_name": style(middle),
            "last_name": style(last),
            "suffix": p.suffix if p.suffix and rng.random() < 0.7 else "",
            "dob": self._dob(p, program, role),
            "sex": sex if rng.random() > 0.05 else "",
            "ssn": self._ssn(p, program, role),
            "street": street,
            "city": city,
            "state": "CA" if street else "",
            "zip": zip_,
            "case_status": status,
            "paternity_status": paternity,
            "fvi": "Y" if p.fvi and (program == "IV-D" or rng.random() < 0.5) else "",
        }


def _pick(r: float, errors: list[tuple[str, float]]) -> str | None:
    """The error whose share of [0, 1) holds `r` (shares laid end to end), or None."""
    for name, share in errors:
        if r < share:
            return name
        r -= share
    return None
