"""The run report: one offline HTML page per run."""

from linkage.report.html import run_report

__all__ = ["run_report"]
