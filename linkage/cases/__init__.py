"""Stage 6: families and cases, built on persons: referral decisions and case reports."""
from linkage.cases.referrals import EXISTING, NEW, REVIEW, ReferralConfig, check_referrals

__all__ = ["EXISTING", "NEW", "REVIEW", "ReferralConfig", "check_referrals"]
