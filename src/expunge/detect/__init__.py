"""Personal-data detection: one hyperscan pass, cheap validators, context scoring.

from expunge.detect import Detector, mask
det = Detector(types=["email", "phone"], phone_region="US")
for f in det.scan("mail jane@example.com or call (212) 555-0123"):
    print(f.type, f.start, f.end, f.score, f.validator)
"""

from __future__ import annotations

from expunge.detect.detector import Detector
from expunge.detect.entities import ENTITY_TYPES, PATTERN_TYPES
from expunge.detect.mask import mask

__all__ = ["ENTITY_TYPES", "PATTERN_TYPES", "Detector", "mask"]
