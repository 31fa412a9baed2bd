"""Re-apply a suppression registry: find identifiers whose keyed hash is in the registry.

Only the registry's digests and its key reach this step, never a plaintext identifier. Emails,
phones, profile URLs and handles found by the detector are normalised, hashed and looked up;
a hit is strong evidence. Names are not re-found this way (a name alone is weak evidence and
never removes a record); redaction therefore covers the contact identifiers only.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass

from expunge.find.matcher import SCORES, candidate_keys
from expunge.pipeline import batched_by_size, detector_for
from expunge.records import Finding, Record

REGISTRY_SUBJECT = "registry"


@dataclass(frozen=True)
class FindRegistered:
    key: bytes
    digests: frozenset[str]
    phone_region: str = "US"

    def __call__(self, records: Iterator[Record]) -> Iterator[Record]:
        detector = detector_for(("email", "phone", "social_handle"), self.phone_region, 0.5)
        for batch in batched_by_size(records, 1 << 20, 2048):
            for record, candidates in zip(batch, detector.scan_batch([r.text for r in batch])):
                found = []
                for cand in candidates:
                    value = record.text[cand.start : cand.end]
                    for kind, key in candidate_keys(cand, value, (self.phone_region,)):
                        digest = hmac.new(self.key, f"{kind}\0{key}".encode(), hashlib.sha256)
                        if digest.hexdigest() in self.digests:
                            found.append(
                                Finding(
                                    kind,
                                    cand.start,
                                    cand.end,
                                    SCORES["strong"],
                                    "strong",
                                    REGISTRY_SUBJECT,
                                )
                            )
                            break
                record.findings = found
            yield from batch
