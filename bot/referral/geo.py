"""US ZIP code coordinates (offline, from the `zipcodes` package) and great-circle distance."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import zipcodes

EARTH_RADIUS_MILES = 3958.8
_ZIP_RE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class ZipLocation:
    """Where a ZIP code is: its centre point and city."""

    zip_code: str
    city: str
    state: str
    lat: float
    lon: float


class UnknownZipError(ValueError):
    """The text is not a known US ZIP code; the message can be shown to the person."""

    def __init__(self, zip_code: str) -> None:
        """Keep `zip_code` and word the message that asks the person to check it."""
        self.zip_code = zip_code
        super().__init__(
            f"I couldn't find the US ZIP code {zip_code!r}. "
            "Could you check it? A ZIP code has 5 digits, like 10001."
        )


def normalize_zip(text: str) -> str:
    """'10001', ' 10001-1234 ' -> '10001'; anything else raises UnknownZipError."""
    cleaned = text.strip()[:10]
    head = cleaned.split("-", 1)[0]
    if not _ZIP_RE.match(head):
        raise UnknownZipError(cleaned)
    return head


@lru_cache(maxsize=4096)
def locate_zip(zip_code: str) -> ZipLocation:
    """The location of a 5-digit US ZIP code; UnknownZipError when the package does not know it."""
    code = normalize_zip(zip_code)
    matches = zipcodes.matching(code)
    if not matches:
        raise UnknownZipError(code)
    row = matches[0]
    try:
        return ZipLocation(code, row["city"], row["state"], float(row["lat"]), float(row["long"]))
    except (KeyError, TypeError, ValueError):  # a ZIP without coordinates (e.g. some PO boxes)
        raise UnknownZipError(code) from None


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in miles between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def zip_distance_miles(zip_a: str, zip_b: str) -> float:
    """Distance in miles between the centres of two ZIP codes."""
    a, b = locate_zip(zip_a), locate_zip(zip_b)
    return haversine_miles(a.lat, a.lon, b.lat, b.lon)
