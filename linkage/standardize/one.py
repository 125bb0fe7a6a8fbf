"""One record standardized in plain Python, for the on-demand service.

The batch standardizes a frame with polars expressions; a request has one record and cannot wait
for a polars plan (about 15 ms). This is the same standardization written for one dict; a test holds
it to `standardize()` on every record of a generated data set with all the hard cases.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from linkage import columns as C
from linkage.ingest.read import DATE_FORMATS
from linkage.standardize.address import STREET_WORDS
from linkage.standardize.names import (
    NOT_A_NAME,
    PARTICLES,
    SUFFIXES,
    NicknameTable,
    default_nicknames,
    metaphone,
    split_whole_name,
)
from linkage.standardize.ssn import ITIN_GROUPS, PLACEHOLDERS

_NOT_A_NAME, _PARTICLES, _PLACEHOLDERS, _ITIN = set(NOT_A_NAME), set(PARTICLES), set(PLACEHOLDERS), set(ITIN_GROUPS)
_QUOTES = re.compile(r"['`’]")
_NON_ALNUM = re.compile(r"[^A-Z0-9]+")


def clean_text(s: str | None) -> str | None:
    if s is None:
        return None
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M")).upper()
    s = _NON_ALNUM.sub(" ", _QUOTES.sub("", s)).strip()
    return s or None


def name_tokens(s: str | None) -> list[str] | None:
    text = clean_text(s)
    if text is None:
        return None
    return [t for t in re.sub(r"[0-9]", "", text).split(" ") if t != "" and t not in _NOT_A_NAME]


def split_suffix(tokens: list[str] | None) -> tuple[list[str] | None, str | None]:
    if tokens and len(tokens) > 1 and tokens[-1] in SUFFIXES:
        return tokens[:-1], SUFFIXES[tokens[-1]]
    return tokens, None


def parse_date(s: str | None) -> date | None:
    if s is None:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    return None


def ssn_status(digits: str | None) -> str:
    if digits is None:
        return "missing"
    if len(digits) != 9:
        return "invalid"
    if digits in _PLACEHOLDERS:
        return "placeholder"
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area.startswith("9") and group in _ITIN:
        return "itin"
    if area in ("000", "666") or area.startswith("9") or group == "00" or serial == "0000":
        return "invalid"
    return "valid"


def standardize_one(raw: dict, nicknames: NicknameTable | None = None) -> dict:
    """The standardized columns of one record given as the schema's fields (text or None)."""
    nicknames = nicknames or default_nicknames()
    r = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in raw.items()}
    first, last = split_whole_name(r.get(C.FIRST_NAME), r.get(C.LAST_NAME))
    fn_rest, fn_sfx = split_suffix(name_tokens(first))
    ln_rest, ln_sfx = split_suffix(name_tokens(last))
    mn_rest, mn_sfx = split_suffix(name_tokens(r.get(C.MIDDLE_NAME)))
    sfx_field = clean_text(r.get(C.SUFFIX))
    sfx_field = SUFFIXES.get(sfx_field.replace(" ", "")) if sfx_field else None
    fn, sn, mn = _joined(fn_rest), _joined(ln_rest), _joined(mn_rest)
    sn_tokens = None if ln_rest is None else ([t for t in ln_rest if t not in _PARTICLES] or ln_rest)
    raw_ssn = r.get(C.SSN)
    digits = (re.sub(r"[^0-9]", "", raw_ssn) or None) if isinstance(raw_ssn, str) and raw_ssn else None
    status = ssn_status(digits)
    ssn = digits if status in ("valid", "itin") else None
    given = r.get(C.DOB_DATE)
    dob: date | None = given if isinstance(given, date) else parse_date(r.get(C.DOB))
    canon = nicknames.canon_tokens(fn) if fn else None
    sn_canon = None if sn_tokens is None else nicknames.canon_tokens(" ".join(sn_tokens))
    street, zip_ = _street(r.get(C.STREET)), _zip5(r.get(C.ZIP))
    sn_meta = None if sn_tokens is None else sorted({m for t in " ".join(sn_tokens).split(" ") if (m := metaphone(t))})
    out = {
        C.FN: fn,
        C.FN_TOKENS: fn_rest,
        C.FN_CANON: canon,
        C.FN_META: metaphone(fn.split(" ")[0]) if fn else None,
        C.MN: mn,
        C.SN: sn,
        C.SN_TOKENS: sn_tokens,
        C.SN_META: sn_meta,
        C.SN_CANON: sn_canon,
        C.SUFFIX_STD: sfx_field or ln_sfx or fn_sfx or mn_sfx,
        C.SSN_STATUS: status,
        C.SSN_STD: ssn,
        C.SSN_HEAD: ssn[:5] if ssn else None,
        C.SSN_TAIL: ssn[5:9] if ssn else None,
        C.ROLE_GROUP: "child" if (r.get(C.ROLE) or "").upper() == "CH" else "parent",
        C.SEX_STD: _sex(r.get(C.SEX)),
        C.STREET_STD: street,
        C.ZIP5: zip_,
        C.CITY_STD: clean_text(r.get(C.CITY)),
        C.DOB_DATE: dob,
        C.NAME_KEYS: None if canon is None or sn_tokens is None else sorted(set(canon) | set(sn_tokens)),
    }
    out.update(_dob_columns(dob))
    house = re.match(r"(\d+) ", street) if street else None
    out.update({C.ZIP3: zip_[:3] if zip_ else None, C.HOUSE: house.group(1) if house else None})
    return out


def _joined(tokens: list[str] | None) -> str | None:
    return " ".join(tokens) or None if tokens is not None else None


def _sex(s: str | None) -> str | None:
    c = clean_text(s)
    return c[0] if c and c[0] in "MF" else None


def _street(s: str | None) -> str | None:
    text = clean_text(s.replace("#", " APT ")) if s else None
    return " ".join(STREET_WORDS.get(t, t) for t in text.split(" ")) or None if text else None


def _zip5(s: str | None) -> str | None:
    digits = re.sub(r"[^0-9]", "", s) if s else ""
    return digits[:5] if len(digits) >= 5 else None


def _dob_columns(d: date | None) -> dict:
    if d is None:
        return {C.DOB_STR: None, C.DOB_YEAR: None, C.DOB_MD: None, C.DOB_YM: None, C.DOB_YD: None, C.DOB_Y_MD: None}
    y, m, dd = f"{d.year:04d}", f"{d.month:02d}", f"{d.day:02d}"
    return {
        C.DOB_STR: y + m + dd,
        C.DOB_YEAR: d.year,
        C.DOB_MD: m + dd,
        C.DOB_YM: y + m,
        C.DOB_YD: y + dd,
        C.DOB_Y_MD: y + min(m, dd) + max(m, dd),
    }
