"""Stage 6: families and cases, built on persons: referral decisions and case reports."""

from linkage.cases.case_links import CaseConfig
from linkage.cases.referrals import EXISTING, NEW, REVIEW, check_referrals

__all__ = ["EXISTING", "NEW", "REVIEW", "CaseConfig", "check_referrals"]
