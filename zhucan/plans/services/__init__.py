"""Every write to plans goes through these functions (one transaction, one audit entry)."""

from zhucan.plans.services.common import ActivityInput, CommentInput
from zhucan.plans.services.plans import create_plan, update_plan
from zhucan.plans.services.review import add_comment, approve_plan, return_plan, submit_plan
from zhucan.plans.services.rules import update_safety_rules

__all__ = [
    "ActivityInput",
    "CommentInput",
    "add_comment",
    "approve_plan",
    "create_plan",
    "return_plan",
    "submit_plan",
    "update_plan",
    "update_safety_rules",
]
