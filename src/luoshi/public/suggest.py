"""Dispatch suggestion: the units most likely to own a new problem, learnt from the city's own accepted
dispatches. The label of a past problem is the unit that finally handled it (Problem.lead_unit of a problem
that reached replied, visited or closed): a dispatch followed by an upheld send-back was wrong and left no
trace there, an overruled send-back left the problem with the unit it was sent to. The model is a
multinomial naive Bayes, simple enough to explain: the category, the units and place names found in the
place (城关区, 张掖路…) and the character bigrams of the text each vote with how often they came with each
unit. Only a suggestion: the office always decides (dispatch.do_dispatch)."""

import math
import random
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max

from luoshi.org.models import Unit
from luoshi.public.duplicates import normal
from luoshi.public.models import Problem, Status

LABELLED = (Status.REPLIED, Status.VISITED, Status.CLOSED)
ALPHA = 0.1  # additive smoothing: a feature never seen with a unit makes it unlikely, not impossible
TEXT_CHARS = 300
# How much each kind of feature weighs (a feature counted this many times): one category should not be
# drowned by thirty bigrams.
CATEGORY_WEIGHT = 6
UNIT_WEIGHT = 4
PLACE_WEIGHT = 2
TEMPER = 1.0  # the probabilities shown are per weighted feature (a geometric mean of the evidence)
MAX_TEST = 2000  # held-out problems measured at most (a seeded sample beyond): bounded work
# A place name: up to eight ideographs ending in an administrative or street suffix.
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:街道|社区|区|县|镇|乡|村|路|街|巷|大道|小区)")


@dataclass
class Example:
    category_id: int
    place: str
    content: str


@dataclass
class Model:
    """Counts per unit; log-probabilities are computed from them at suggestion time."""

    unit_names: dict[int, str]  # every unit's name, to spot a unit named in the place or the text
    docs: Counter[int] = field(default_factory=Counter)  # unit → examples
    totals: Counter[int] = field(default_factory=Counter)  # unit → weighted feature count
    # feature → unit → weighted count (an inverted index: scoring walks only the units a feature saw)
    counts: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))

    @property
    def size(self) -> int:
        return sum(self.docs.values())

    def features(self, e: Example) -> Counter[str]:
        return features(e, self.unit_names)

    def learn(self, e: Example, unit_id: int) -> None:
        self.docs[unit_id] += 1
        for f, w in self.features(e).items():
            self.counts[f][unit_id] += w
            self.totals[unit_id] += w

    def rank(self, e: Example) -> list[tuple[int, float]]:
        """Every learnt unit with its posterior probability (0..1, summing to 1), likeliest first."""
        if not self.docs:
            return []
        vocab = max(1, len(self.counts))
        n = self.size
        feats = {f: w for f, w in self.features(e).items() if f in self.counts}  # unseen features: no vote
        weight = sum(feats.values())
        log_alpha = math.log(ALPHA)
        scores: dict[int, float] = {}
        for u, docs in self.docs.items():
            # Every feature as if never seen with u; the features u did see are corrected below.
            scores[u] = math.log(docs / n) + weight * (log_alpha - math.log(self.totals[u] + ALPHA * vocab))
        for f, w in feats.items():
            for u, c in self.counts[f].items():
                scores[u] += w * (math.log(c + ALPHA) - log_alpha)
        # Tempered: naive Bayes counts thirty overlapping bigrams as thirty independent pieces of evidence
        # and would call every first choice certain; dividing by the evidence's size keeps the order and
        # leaves the second and third a readable share.
        temper = max(1.0, weight / TEMPER)
        top = max(scores.values())
        exp = {u: math.exp((s - top) / temper) for u, s in scores.items()}
        total = sum(exp.values())
        return sorted(((u, v / total) for u, v in exp.items()), key=lambda p: (-p[1], p[0]))


def features(e: Example, unit_names: dict[int, str]) -> Counter[str]:
    """The weighted features of one problem: its category, the units and place names in its place (a unit
    named in the text too), the bigrams of its text."""
    out: Counter[str] = Counter()
    out[f"c:{e.category_id}"] += CATEGORY_WEIGHT
    place = normal(e.place)
    head = normal(e.content)[:TEXT_CHARS]
    for uid, name in unit_names.items():
        if name and (name in place or name in head):
            out[f"u:{uid}"] += UNIT_WEIGHT
    for m in PLACE_NAME.findall(place):
        out[f"p:{m}"] += PLACE_WEIGHT
    for i in range(len(head) - 1):
        out[f"b:{head[i : i + 2]}"] = 1  # presence, not frequency: a long text does not shout
    return out


def _unit_names() -> dict[int, str]:
    # Short names ("区") would match everywhere; a unit's name is at least two characters.
    return {pk: normal(name) for pk, name in Unit.objects.values_list("pk", "name") if len(normal(name)) >= 2}


def _labelled() -> Iterable[tuple[int, Example, int]]:
    """(pk, example, unit) of every labelled problem, oldest first."""
    rows = (
        Problem.objects.filter(status__in=LABELLED, lead_unit__isnull=False)
        .order_by("created_at", "pk")
        .values_list("pk", "category_id", "place", "content", "lead_unit_id")
    )
    for pk, cat, place, content, unit in rows.iterator(chunk_size=2000):
        yield pk, Example(cat, place, content[: TEXT_CHARS * 2]), unit


def train(rows: Iterable[tuple[int, Example, int]] | None = None) -> Model:
    model = Model(unit_names=_unit_names())
    for _, e, unit in _labelled() if rows is None else rows:
        model.learn(e, unit)
    return model


# One model per process, rebuilt when the labelled problems change (their count or newest id) or the
# units do (their count or newest id).
_cache: dict[str, tuple[tuple, Model]] = {}
_lock = threading.Lock()


def _key() -> tuple:
    labelled = Problem.objects.filter(status__in=LABELLED, lead_unit__isnull=False).aggregate(
        n=Count("pk"), m=Max("pk")
    )
    units = Unit.objects.aggregate(n=Count("pk"), m=Max("pk"))
    return labelled["n"], labelled["m"], units["n"], units["m"]


def model() -> Model:
    key = _key()
    with _lock:
        cached = _cache.get("model")
        if cached is not None and cached[0] == key:
            return cached[1]
    built = train()
    with _lock:
        _cache["model"] = (key, built)
    return built


def forget() -> None:
    with _lock:
        _cache.clear()


def example_of(problem: Problem) -> Example:
    return Example(problem.category_id, problem.place or "", problem.content or "")


def suggest_units(problem: Problem, k: int = 3) -> list[tuple[Unit, float]]:
    """The k likeliest units for the problem, each with its probability (0..1), best first; [] before any
    history."""
    ranked = model().rank(example_of(problem))[: max(0, k)]
    if not ranked:
        return []
    units = Unit.objects.in_bulk([u for u, _ in ranked])
    return [(units[u], round(p, 4)) for u, p in ranked if u in units]


def measure_accuracy(held_out_fraction: float = 0.2, seed: int = 12345) -> dict[str, float | int | None]:
    """Train on the older labelled problems and test on the newest held-out fraction (the way the model
    is used: the past predicts the future). {top1, top3, n}: the share of held-out problems whose unit
    came first, or among the first three; None when there is nothing to measure."""
    fraction = min(max(held_out_fraction, 0.01), 0.9)
    rows = list(_labelled())
    n_test = int(len(rows) * fraction)
    if n_test < 1 or len(rows) - n_test < 1:
        return {"top1": None, "top3": None, "n": 0}
    older, newest = rows[:-n_test], rows[-n_test:]
    if len(newest) > MAX_TEST:
        newest = random.Random(seed).sample(newest, MAX_TEST)
    m = train(older)
    top1 = top3 = 0
    for _, e, unit in newest:
        ranked = [u for u, _ in m.rank(e)[:3]]
        top1 += bool(ranked) and ranked[0] == unit
        top3 += unit in ranked
    n = len(newest)
    return {"top1": round(top1 / n, 4), "top3": round(top3 / n, 4), "n": n}


ACCURACY_SECONDS = 24 * 3600


def cached_accuracy() -> dict[str, float | int | None]:
    """measure_accuracy() computed on demand and kept (in the shared cache) until the history changes."""
    from django.core.cache import cache

    name = "public.suggest.accuracy:" + ":".join(map(str, _key()))
    found = cache.get(name)
    if found is None:
        found = measure_accuracy()
        cache.set(name, found, ACCURACY_SECONDS)
    return found
