"""Column names used across stages: the schema's input columns and the standardized ones.

Splink's own names (`_l` / `_r` suffixes, `match_probability`, `match_weight`) are kept as Splink
writes them; these constants are only for columns this project defines.
"""

from __future__ import annotations

# --- input contract (docs/contract.md) -------------------------------------------------------------
RECORD_ID = "record_id"
SOURCE_SYSTEM = "source_system"
CASE_ID = "case_id"
ROLE = "role"
FIRST_NAME = "first_name"
MIDDLE_NAME = "middle_name"
LAST_NAME = "last_name"
SUFFIX = "suffix"
DOB = "dob"
SEX = "sex"
SSN = "ssn"
STREET = "street"
CITY = "city"
STATE = "state"
ZIP = "zip"
CASE_STATUS = "case_status"
PATERNITY_STATUS = "paternity_status"
FVI = "fvi"
PLACEMENT_START = "placement_start"  # IV-E: the child entered care
PLACEMENT_END = "placement_end"  # IV-E: the child left care (blank: still in care)
REMOVED_FROM = "removed_from"  # IV-E: the parent the child was removed from (role in the case, or record_id)
CASE_GOAL = "case_goal"  # IV-E: REUNIFICATION, ADOPTION, GUARDIANSHIP, OTHER
GRANT_START = "grant_start"  # IV-A: the assistance grant began
GRANT_END = "grant_end"  # IV-A: the grant ended (blank: still paid)
PROGRAM_DATES = (PLACEMENT_START, PLACEMENT_END, GRANT_START, GRANT_END)

REQUIRED_COLUMNS = (RECORD_ID, SOURCE_SYSTEM, CASE_ID, ROLE, FIRST_NAME, LAST_NAME)
OPTIONAL_COLUMNS = (
    MIDDLE_NAME,
    SUFFIX,
    DOB,
    SEX,
    SSN,
    STREET,
    CITY,
    STATE,
    ZIP,
    CASE_STATUS,
    PATERNITY_STATUS,
    FVI,
    PLACEMENT_START,
    PLACEMENT_END,
    REMOVED_FROM,
    CASE_GOAL,
    GRANT_START,
    GRANT_END,
)
SCHEMA_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

SOURCE_SYSTEMS = ("IV-A", "IV-D", "IV-E")
PARENT_ROLES = ("CP", "NCP", "PF")  # custodial party, absent parent, alleged father
ROLES = (*PARENT_ROLES, "CH")
CASE_STATUSES = ("OPEN", "CLOSED")
PATERNITY_STATUSES = ("ADJUDICATED", "ACKNOWLEDGED", "PRESUMED", "ALLEGED", "DISPROVED")
CASE_GOALS = ("REUNIFICATION", "ADOPTION", "GUARDIANSHIP", "OTHER")

# --- added by ingest ----------------------------------------------------------------------------------
UID = "uid"  # dense integer id of a valid record within one run; Splink's unique_id
ROW_NUMBER = "row_number"  # 1-based data row in its file, for quarantine messages
SOURCE_FILE = "source_file"
QUARANTINE_REASON = "reason"
READ_PROBLEM = "read_problem"  # a row the CSV reader could not split into the header's fields
RAW_LINE = "raw_line"  # that row's line as read, for the quarantine
BLANKED_FIELD = "field"  # a field blanked by validation (the blanked-fields output)

# --- added by standardization (compared by the model, keyed by blocking) ------------------------------
FN = "fn"  # first name, normalized, all tokens
FN_TOKENS = "fn_tokens"
FN_CANON = "fn_canon"  # nickname groups of the first-name tokens (list)
FN_META = "fn_meta"  # metaphone of the first first-name token
MN = "mn"
SN = "sn"  # surname, normalized, tokens joined by a space
SN_TOKENS = "sn_tokens"  # surname tokens without particles (DE, LA, Y, ...)
SN_META = "sn_meta"  # metaphone of each surname token (list)
SN_CANON = "sn_canon"  # nickname groups of the surname tokens (list): TIM in the surname field of a swapped name
SUFFIX_STD = "sfx"
DOB_DATE = "dob_date"
DOB_STR = "dob_str"  # YYYYMMDD
DOB_YEAR = "dob_year"
DOB_MD = "dob_md"  # MMDD, for keys that survive a wrong year
DOB_YM = "dob_ym"  # YYYYMM: survives a wrong day
DOB_YD = "dob_yd"  # YYYY + DD: survives a wrong month
DOB_Y_MD = "dob_y_md"  # YYYY + month and day in either order: survives a day/month swap
ROLE_GROUP = "role_group"  # parent (CP, NCP, PF) or child (CH)
NAME_KEYS = "name_keys"  # nickname groups and surname tokens together, so a first/last swap still keys
SSN_STD = "ssn_std"  # 9 digits when a usable SSN or ITIN, else null
SSN_HEAD = "ssn_head"  # first five digits: intact when a typo hits the last four
SSN_TAIL = "ssn_tail"  # last four digits
SSN_STATUS = "ssn_status"  # valid | itin | placeholder | invalid | missing
SEX_STD = "sex_std"
STREET_STD = "street_std"
ZIP5 = "zip5"
ZIP3 = "zip3"  # the zip's region: splits a block that has grown too big to compare whole
HOUSE = "house"  # the street number: splits a big same-zip block into addresses
CITY_STD = "city_std"
FVI_FLAG = "fvi_flag"

SSN_STATUSES = ("valid", "itin", "placeholder", "invalid", "missing")

# --- outputs -------------------------------------------------------------------------------------------
PERSON_ID = "person_id"
