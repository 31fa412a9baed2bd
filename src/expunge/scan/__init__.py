"""`expunge scan`: find which records of a dataset hold which kinds of personal data."""

from expunge.scan.run import ScanOutcome, run_scan
from expunge.scan.task import ScanConfig, ShardResult, scan_shard

__all__ = ["ScanConfig", "ScanOutcome", "ShardResult", "run_scan", "scan_shard"]
