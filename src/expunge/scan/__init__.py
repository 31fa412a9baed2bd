"""`expunge scan`: find which records of a dataset hold which kinds of personal data."""

from expunge.scan.run import ScanOutcome, run_scan
from expunge.scan.stats import FoundSpan, ShardResult
from expunge.scan.summary import ScanSummary
from expunge.scan.task import ScanConfig, scan_shard

__all__ = [
    "FoundSpan",
    "ScanConfig",
    "ScanOutcome",
    "ScanSummary",
    "ShardResult",
    "run_scan",
    "scan_shard",
]
