"""Threshold tuning: the workbench the notebook drives (and the tests drive the same way)."""

from linkage.tune.workbench import Workbench, weight_of

__all__ = ["Workbench", "weight_of"]
