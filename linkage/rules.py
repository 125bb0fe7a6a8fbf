"""The blocking rules for program records: together they still pair one person's records when the
SSN has a typo, the date of birth is swapped or missing, the name is a nickname, a first/last swap,
a married name or part of a compound surname. Each rule keys on standardized columns."""

from __future__ import annotations

from blocking import KeyRule, block_on, refined
from linkage import columns as C

# Blocks bigger than this are split by the levels given (see `blocking.refined`): a statewide file
# meets many more people per birth date and name than a county's.
SPLIT_ABOVE = 5
SSN_PREFIX_SPLIT_ABOVE = 2
_BY_PLACE = ((C.ZIP3,), (C.ZIP5,))  # region, then zip: the address moves less often than a typo

DEFAULT_RULES: tuple[KeyRule, ...] = (
    block_on(C.SSN_STD, name="ssn"),
    *refined(block_on(C.DOB_STR, C.NAME_KEYS, name="dob+name_token"), *_BY_PLACE, above=SPLIT_ABOVE),
    block_on(C.DOB_STR, C.ZIP5, name="dob+zip"),
    *refined(block_on(C.DOB_STR, C.FN_META, name="dob+first_sound"), *_BY_PLACE, above=SPLIT_ABOVE),
    # an SSN's first five digits are shared by many more people than a birth date: its blocks of
    # three or more with a name token are split by region at once (at 5M records the unsplit blocks
    # of 2-5 gave 2.1 million pairs, 16 times the 1M count, for the same persons; 2026-12-08)
    *refined(block_on(C.SSN_HEAD, C.NAME_KEYS, name="ssn_first5+name_token"), (C.ZIP3,), above=SSN_PREFIX_SPLIT_ABOVE),
    block_on(C.SSN_TAIL, C.FN_CANON, C.SN_TOKENS, name="ssn_last4+name"),
    *refined(block_on(C.FN_CANON, C.SN_TOKENS, C.DOB_YM, name="name+year_month"), *_BY_PLACE, above=SPLIT_ABOVE),
    *refined(block_on(C.FN_CANON, C.SN_TOKENS, C.DOB_YD, name="name+year_day"), *_BY_PLACE, above=SPLIT_ABOVE),
    *refined(block_on(C.FN_CANON, C.SN_TOKENS, C.DOB_Y_MD, name="name+year+month_day_swapped"), *_BY_PLACE, above=SPLIT_ABOVE),
    *refined(block_on(C.FN_CANON, C.SN_TOKENS, C.DOB_MD, name="name+month_day"), *_BY_PLACE, above=SPLIT_ABOVE),
    *refined(block_on(C.FN_META, C.SN_META, C.ZIP5, name="name_sounds+zip"), (C.HOUSE,), above=SPLIT_ABOVE),
    # Thin records (no birth date) pair only within small blocks: a common name without a date is
    # no evidence; family evidence links thin parents through their children instead.
    block_on(C.FN_CANON, C.SN_TOKENS, C.ROLE_GROUP, name="name, no dob", only_if_missing=C.DOB_STR, max_block_size=60),
    block_on(C.FN_META, C.SN_META, C.ROLE_GROUP, name="name_sounds, no dob", only_if_missing=C.DOB_STR, max_block_size=60),
    # and within one street address under one first-name sound (a surname typed otherwise or cut:
    # ROBERT RICHARDS with a name only beside ROBERT RICHARDSON at his address; 2026-12-08)
    block_on(
        C.HOUSE, C.ZIP5, C.FN_META, C.ROLE_GROUP, name="address+first_sound, no dob", only_if_missing=C.DOB_STR, max_block_size=60
    ),
)

# Two records of one case are two people; they are never compared.
SAME_CASE = (C.SOURCE_SYSTEM, C.CASE_ID)
