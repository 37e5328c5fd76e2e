"""Possible duplicates at triage (FixMyStreet's "already reported?"): problems of the same category received
in the last DAYS days, not rejected, scored by how alike their text is and how near they are. Chinese text
has no spaces, so text is compared as sets of character bigrams (Dice coefficient); nearness is the
haversine distance when both problems have coordinates, else the likeness of the place strings. Only a
suggestion: the office decides (intake.do_mark_duplicate)."""

import math
import re
import unicodedata
from datetime import timedelta
from decimal import Decimal

from luoshi.public.models import Problem, Status

DAYS = 60
CANDIDATES = 500  # the newest this many of the window are compared: bounded work whatever the volume
TEXT_CHARS = 600  # the first characters of a problem's text that are compared
THRESHOLD = 0.35  # below this score a candidate is not suggested
MIN_TEXT = 0.2  # nor when the texts share too little, however near (two problems at one address)
# The same complaint told of another street is another problem: nearness scales the text's likeness from
# FAR (far apart) to 1 (the same spot), so a duplicate needs both.
FAR = 0.3
UNKNOWN_NEAR = 0.5  # neither coordinates nor places to compare: counted as middling
NEAR_METRES = 500.0  # nearness exp(-d / 500): 0.82 at 100 m, 0.37 at 500 m, 0.02 at 2 km
EARTH_METRES = 6_371_000.0
# Letters, digits and CJK ideographs are kept; punctuation and spaces only separate.
_DROP = re.compile(r"[\W_]+", re.UNICODE)


def normal(text: str) -> str:
    return _DROP.sub("", unicodedata.normalize("NFKC", text or "").lower())


def bigrams(text: str, limit: int = TEXT_CHARS) -> frozenset[str]:
    s = normal(text)[:limit]
    if len(s) < 2:
        return frozenset([s]) if s else frozenset()
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """2|A∩B| / (|A| + |B|), 0 when either is empty."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(min(1.0, math.sqrt(h)))


def _point(p: Problem) -> tuple[float, float] | None:
    if p.lat is None or p.lon is None:
        return None
    return float(Decimal(p.lat)), float(Decimal(p.lon))


def nearness(a: Problem, b: Problem, a_place: frozenset[str] | None = None) -> float | None:
    """1 at the same spot, towards 0 far apart; None when neither coordinates nor places can be compared."""
    pa, pb = _point(a), _point(b)
    if pa is not None and pb is not None:
        return math.exp(-haversine(*pa, *pb) / NEAR_METRES)
    place_a = a_place if a_place is not None else bigrams(a.place)
    place_b = bigrams(b.place)
    if not place_a or not place_b:
        return None
    # Squared: two places of one district share its name's bigrams (城关区…) without being near.
    return dice(place_a, place_b) ** 2


def score(text: float, near: float | None) -> float:
    """The combined score in 0..1: the text's likeness scaled by nearness (FAR far apart, 1 at one spot)."""
    n = UNKNOWN_NEAR if near is None else near
    return round(text * (FAR + (1 - FAR) * n), 4)


def candidates(problem: Problem) -> list[Problem]:
    """The newest CANDIDATES problems of the category in the window (the (category, created_at) index).
    Duplicates are left out: their original is a candidate itself."""
    since = problem.created_at - timedelta(days=DAYS)
    qs = (
        Problem.objects.filter(category_id=problem.category_id, created_at__gte=since)
        .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
        .order_by("-created_at", "-pk")
    )
    if problem.pk:
        qs = qs.exclude(pk=problem.pk)
    return list(qs[:CANDIDATES])


def possible_duplicates(problem: Problem, limit: int = 5) -> list[tuple[Problem, float]]:
    """The likeliest originals of a problem, best first, each with its score (0..1), above THRESHOLD."""
    if problem.category_id is None or problem.created_at is None:
        return []
    text = bigrams(problem.content)
    place = bigrams(problem.place)
    found: list[tuple[Problem, float]] = []
    for other in candidates(problem):
        t = dice(text, bigrams(other.content))
        if t < MIN_TEXT:
            continue
        s = score(t, nearness(problem, other, place))
        if s >= THRESHOLD:
            found.append((other, s))
    found.sort(key=lambda pair: (-pair[1], -pair[0].created_at.timestamp(), -pair[0].pk))
    return found[: max(0, limit)]
