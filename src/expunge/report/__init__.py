"""Human-readable reports of expunge runs."""

from expunge.report.html import render_scan_report

__all__ = ["render_scan_report"]
