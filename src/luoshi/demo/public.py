"""The demo city's public problems (媒体监督), played through the public services with past `now=`: the TV
programme 落实进行时 (20 episodes, 20+ units on air, 500+ problems accepted on air), the 《兰州日报》 column,
the 12345 hotline, the web form, Open311 and internet+督查 tips over the year; triage (a few rejected, a few
duplicates), dispatch (a few to the wrong unit, sent back and re-dispatched, or ruled theirs after all), the
sign-for (mostly in time), replies, return visits with a believable satisfaction mix (some reopened, a few
closed but not solved), closing; ~40 hot issues exposed, the article's three among them, and a few of the
plan's media lists linked to the problems they were made from. Steps later than the demo's `now` are not
played, so recent problems wait at every stage."""

import heapq
import itertools
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from luoshi.demo import public_texts as tx
from luoshi.duties.models import HandlingRole
from luoshi.events.services import record
from luoshi.lists.models import ListStatus, ResponsibilityList, Source
from luoshi.org.models import Person, Unit
from luoshi.public import dispatch, handling, intake
from luoshi.public.categories import ensure_shipped
from luoshi.public.intake import Submission
from luoshi.public.models import Broadcast, Category, Open311Key, Problem, Programme
from luoshi.workdays import calendar

EPISODES = 20
PER_EPISODE = (25, 28)
ON_AIR = [
    "rsj",
    "syj",
    "cgq",
    "cgw",
    "jtw",
    "zjj",
    "jyj",
    "wjw",
    "hbj",
    "slj",
    "gaj",
    "mzj",
    "qlh",
    "xgq",
    "anq",
    "yzx",
    "glx",
    "gxw",
    "ylj",
    "zwzx",
    "hgq",
    "ydx",
]
COLUMN_ISSUES = 14
HOTLINE, WEB, TIPS, OPEN311 = 150, 45, 12, 8
# Of those, received in the last three weeks (so that recent problems wait at every stage).
RECENT = 0.25
EXPOSED_TV, EXPOSED_PAPER = 25, 12
LISTS_LINKED = 5
OFFICE = ("office", "office02", "office03")

Action = Callable[[datetime], object]


class DemoPublic:
    def __init__(self, rng: random.Random, units: dict[str, Unit], people: dict[str, Person], now: datetime):
        self.rng, self.units, self.people, self.now = rng, units, people, now
        self.cal = calendar.load()
        self.categories = {c.name: c for c in Category.objects.all()}
        self.queue: list[tuple[datetime, int, Action]] = []
        self.order = itertools.count()
        self.exposed = 0

    # -- the clock -------------------------------------------------------------------------------------
    def at(self, moment: datetime, action: Action) -> None:
        if moment < self.now:
            heapq.heappush(self.queue, (moment, next(self.order), action))

    def run(self) -> None:
        while self.queue:
            moment, _n, action = heapq.heappop(self.queue)
            action(moment)

    def office(self) -> Person:
        return self.people[self.rng.choice(OFFICE)]

    def liaison(self, code: str) -> Person:
        return self.people[f"{code}_liaison"]

    def moment(self, day: date, start: float = 8.5, end: float = 21.5) -> datetime:
        hours = self.rng.uniform(start, end)
        clock = time(int(hours), int(hours % 1 * 60), self.rng.randint(0, 59))
        return timezone.make_aware(datetime.combine(day, clock))

    def working_moment(self, after: datetime, workdays: float) -> datetime:
        day = self.cal.add_workdays(timezone.localdate(after), max(int(workdays), 0))
        return self.moment(day, 9, 17.5)

    # -- what a problem is -----------------------------------------------------------------------------
    def place(self, district: str) -> tuple[str, float, float]:
        streets, spots, (lat, lon) = tx.PLACES[district]
        name = f"{self.units[district].name}{self.rng.choice(streets)}{self.rng.choice(spots)}"
        return name, lat + self.rng.uniform(-0.012, 0.012), lon + self.rng.uniform(-0.012, 0.012)

    def pick(self, handlers: list[str] | None = None) -> tuple[str, str, str, str, float, float]:
        """(category, handler code, template, place, lat, lon) — a template one of `handlers` would handle."""
        districts = list(tx.PLACES)
        options = []
        for category, handler, text in tx.TEMPLATES:
            if handlers is None or handler in handlers or (handler == "@" and any(h in districts for h in handlers)):
                options.append((category, handler, text))
        category, handler, text = self.rng.choice(options)
        if handler == "@":
            local = [h for h in (handlers or districts) if h in districts] or districts
            district = self.rng.choice(local)
            handler = district
        else:
            district = self.rng.choice(districts)
        place, lat, lon = self.place(district)
        return category, handler, text, place, lat, lon

    # -- one problem's whole life ----------------------------------------------------------------------
    def problem(
        self,
        received: datetime,
        channel: str,
        chosen: tuple[str, str, str, str, float, float],
        *,
        broadcast: Broadcast | None = None,
        client: Open311Key | None = None,
        hot: bool = False,
        named: bool = False,
        triage: bool = True,
        original: Problem | None = None,
    ) -> None:
        category, _handler, text, place, lat, lon = chosen
        rng = self.rng
        content = text.format(p=place) if "{p}" in text else text
        reporter = self.reporter(channel)
        urgent = channel == "hotline" and rng.random() < 0.08

        def take_in(now: datetime) -> None:
            actor = None if channel in ("web", "open311") else self.office()
            sub = Submission(
                channel=channel,
                category=category,
                content=content,
                place=place,
                lat=round(lat, 6),
                lon=round(lon, 6),
                urgent=urgent,
                reporter_consents=rng.random() < 0.3,
                broadcast=broadcast.pk if broadcast else None,
                **reporter,
            )
            p = intake.do_submit(actor, sub, client=client, now=now)[0]
            if triage:
                self.at(
                    now + timedelta(minutes=rng.randint(15, 150)),
                    lambda t: self.triage(p, chosen, hot, named, t, original),
                )

        self.at(received, take_in)

    def reporter(self, channel: str) -> dict[str, str]:
        if channel in ("tv", "newspaper") and self.rng.random() < 0.5:
            return {}
        name = self.rng.choice("王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗") + self.rng.choice(
            ("先生", "女士", "师傅", "大爷")
        )
        phone = f"1{self.rng.choice('3589')}{self.rng.randint(0, 9)}{self.rng.randint(10000000, 99999999)}"
        return {"reporter_name": name, "reporter_contact": phone}

    def triage(
        self,
        p: Problem,
        chosen: tuple[str, str, str, str, float, float],
        hot: bool,
        named: bool,
        now: datetime,
        original: Problem | None,
    ) -> None:
        rng = self.rng
        handler = chosen[1]
        if original is not None:  # another call about the same thing at the same place
            intake.do_mark_duplicate(self.office(), p, original.pk, now=now)
            return
        roll = 1.0 if named or hot else rng.random()
        if roll < 0.03:
            intake.do_reject(self.office(), p, "反映内容不属于受理范围，已告知当事人通过司法途径解决。", now=now)
            return
        intake.do_accept(self.office(), p, now=now)
        if roll < 0.05:  # a neighbour calls about it too, within the day
            again = now + timedelta(hours=rng.uniform(1, 20))
            self.problem(again, "hotline", chosen, original=p)
        if hot:
            self.at(now + timedelta(hours=rng.randint(2, 20)), lambda t: handling.do_expose(self.office(), p, now=t))
        wrong = None if named else self.wrong_unit(handler) if rng.random() < 0.07 else None
        first = wrong or handler
        co = self.co_unit(handler) if (hot or rng.random() < 0.06) else None
        co = None if co == first else co
        self.at(now + timedelta(minutes=rng.randint(10, 90)), lambda t: self.send(p, first, handler, co, t))

    def wrong_unit(self, handler: str) -> str:
        """A plausible wrong first dispatch: a department for a local matter, or a district for a department's."""
        if handler in tx.PLACES:
            return self.rng.choice(("cgw", "zjj", "mzj"))
        return self.rng.choice(list(tx.PLACES))

    def co_unit(self, handler: str) -> str | None:
        pool = [c for c in ("cgw", "gaj", "hbj", "zjj", "syj", "slj") if c != handler]
        return self.rng.choice(pool)

    def send(self, p: Problem, unit: str, right: str, co: str | None, now: datetime) -> None:
        rng = self.rng
        dispatch.do_dispatch(self.office(), p, self.units[unit].pk, [self.units[co].pk] if co else [], now=now)
        if unit != right:
            reason = "territory" if right in tx.PLACES else "function"
            basis = tx.SEND_BACK_BASIS[reason].format(d=self.units[right].name)
            back = now + timedelta(hours=rng.uniform(1, 8))
            self.at(
                back, lambda t: dispatch.do_send_back(self.liaison(unit), p, self.units[unit].pk, reason, basis, now=t)
            )
            self.at(back + timedelta(hours=rng.uniform(1, 4)), lambda t: self.redispatch(p, right, t))
            return
        if rng.random() < 0.03:  # the right unit sends it back; the office rules it is theirs (counted against it)
            basis = tx.SEND_BACK_BASIS["function"].format(d=self.units[self.wrong_unit(right)].name)
            back = now + timedelta(hours=rng.uniform(1, 8))
            self.at(
                back,
                lambda t: dispatch.do_send_back(self.liaison(unit), p, self.units[unit].pk, "function", basis, now=t),
            )
            self.at(back + timedelta(hours=rng.uniform(2, 6)), lambda t: self.ruled(p, unit, t))
            return
        if co and rng.random() < 0.5:
            self.at(
                now + timedelta(hours=rng.uniform(1, 20)),
                lambda t: handling.do_sign(self.liaison(co), p, self.units[co].pk, now=t),
            )
        self.work(p, unit, now)

    def redispatch(self, p: Problem, right: str, now: datetime) -> None:
        # Now and then the unit the problem was sent back from was right, but the office rules the one it
        # went to first owns it after all: counted against it (done through the rule, below, for a few).
        dispatch.do_dispatch(self.office(), p, self.units[right].pk, now=now)
        self.work(p, right, now)

    def ruled(self, p: Problem, unit: str, now: datetime) -> None:
        dispatch.do_rule(self.office(), p, self.units[unit].pk, now=now)
        self.work(p, unit, now)

    def work(self, p: Problem, unit: str, dispatched: datetime) -> None:
        rng = self.rng
        hours = 2 if p.urgent else 24
        late_sign = rng.random() < 0.09
        signed = dispatched + timedelta(
            hours=rng.uniform(hours * 1.05, hours * 1.8) if late_sign else rng.uniform(0.1, hours * 0.9)
        )
        self.at(signed, lambda t: handling.do_sign(self.liaison(unit), p, self.units[unit].pk, now=t))
        days = p.category.resolve_workdays
        late = rng.random() < 0.1
        replied = self.working_moment(signed, rng.uniform(days + 1, days + 6) if late else rng.uniform(1, days - 1))
        if rng.random() < 0.35:
            midway = signed + (replied - signed) / 2
            self.at(
                midway,
                lambda t: handling.do_progress(
                    self.liaison(unit), p, self.units[unit].pk, "已现场核查，正在协调相关方落实整改。", now=t
                ),
            )
        self.at(replied, lambda t: self.reply(p, unit, t, first=True))

    def reply(self, p: Problem, unit: str, now: datetime, *, first: bool) -> None:
        rng = self.rng
        solved = rng.random() < (0.93 if first else 0.97)
        done = tx.DONE[p.category.name] if solved else tx.PARTIAL
        handling.do_reply(self.liaison(unit), p, self.units[unit].pk, rng.choice(tx.REPLIES).format(x=done), now=now)
        roll = rng.random()
        satisfaction = "satisfied" if roll < 0.72 else "basically" if roll < 0.9 else "unsatisfied"
        if not solved:
            satisfaction = rng.choice(("basically", "unsatisfied"))
        if not first and satisfaction == "unsatisfied" and solved:
            satisfaction = "basically"
        reopen = first and satisfaction == "unsatisfied" and rng.random() < 0.6
        visited = now + timedelta(days=rng.uniform(0.5, 2.5))

        def visit(t: datetime) -> None:
            note = tx.VISIT_NOTES[satisfaction]
            handling.do_visit(self.office(), p, satisfaction, solved, note, reopen=reopen, now=t)
            if reopen:
                again = self.working_moment(t, rng.uniform(2, 6))
                self.at(again, lambda t2: self.reply(p, unit, t2, first=False))
            else:
                self.at(t + timedelta(hours=rng.uniform(1, 20)), lambda t2: handling.do_close(self.office(), p, now=t2))

        self.at(visited, visit)

    # -- the channels ----------------------------------------------------------------------------------
    def build(self) -> None:
        ensure_shipped()
        self.categories = {c.name: c for c in Category.objects.all()}
        start = date(self.now.year, 1, 5)
        self.programme_tv(start)
        self.column(start)
        self.everyday(start)
        self.run()
        self.link_plan_lists()

    def programme_tv(self, start: date) -> None:
        rng = self.rng
        office = self.people["office"]
        first = datetime.combine(date(self.now.year, 3, 5), time(10))
        tv = Programme.objects.create(
            kind=Programme.Kind.TV,
            name="落实进行时",
            description="兰州电视台与市委督查室联办的问政直播节目：群众反映、记者暗访、部门负责人现场回应并限时整改。",
            created_at=timezone.make_aware(first) - timedelta(days=20),
        )
        last = timezone.localdate(self.now) - timedelta(days=21)
        span = max((last - first.date()).days, EPISODES)
        named = list(tx.NAMED_HOT)
        exposed_left = EXPOSED_TV
        for i in range(EPISODES):
            aired = self.cal.next_workday(first.date() + timedelta(days=span * i // EPISODES))
            on_air = [ON_AIR[i % len(ON_AIR)], ON_AIR[(i + 7) % len(ON_AIR)]]
            if i % 3 == 0:
                on_air.append(ON_AIR[(i + 13) % len(ON_AIR)])
            names = "、".join(self.units[c].name for c in on_air[:2])
            ep = Broadcast.objects.create(
                programme=tv, number=i + 1, aired_on=aired, title=rng.choice(tx.EPISODE_TITLES).format(u=names)
            )
            ep.units.set([self.units[c] for c in on_air])
            record(
                office,
                "programme.episode_added",
                "programme",
                tv.pk,
                after={"episode": ep.pk, "number": i + 1},
                at=timezone.make_aware(datetime.combine(aired, time(18))),
            )
            evening = timezone.make_aware(datetime.combine(aired, time(19, 30)))
            count = rng.randint(*PER_EPISODE)
            for j in range(count):
                received = evening + timedelta(minutes=2 * j + rng.randint(0, 1))
                if named and i in (3, 8, 13):
                    category, handler, district, place, content = named.pop(0)
                    lat, lon = tx.PLACES[district][2]
                    chosen = (category, handler, content, place, lat, lon)
                    self.problem(received, "tv", chosen, broadcast=ep, hot=True, named=True)
                    continue
                hot = exposed_left > 0 and (j == 0 or (j == 1 and i < EXPOSED_TV - EPISODES))
                exposed_left -= int(hot)
                self.problem(received, "tv", self.pick(on_air), broadcast=ep, hot=hot)

    def column(self, start: date) -> None:
        rng = self.rng
        paper = Programme.objects.create(
            kind=Programme.Kind.NEWSPAPER,
            name="《兰州日报》百姓呼声",
            description="《兰州日报》每周一期的群众监督专栏，刊发群众反映的热点难点问题并跟踪报道办理结果。",
            created_at=timezone.make_aware(datetime.combine(start, time(9))),
        )
        last = timezone.localdate(self.now) - timedelta(days=14)
        gap = max((last - start).days // COLUMN_ISSUES, 7)
        left = EXPOSED_PAPER
        for i in range(COLUMN_ISSUES):
            day = self.cal.next_workday(start + timedelta(days=30 + gap * i))
            ep = Broadcast.objects.create(programme=paper, number=i + 1, aired_on=day, title=f"百姓呼声第{i + 1}期")
            chosen = [self.pick() for _ in range(2)]
            ep.units.set([self.units[c[1]] for c in chosen])
            for k, c in enumerate(chosen):
                hot = left > 0 and (k == 0 or rng.random() < 0.3)
                left -= int(hot)
                self.problem(self.moment(day, 8, 10), "newspaper", c, broadcast=ep, hot=hot)

    def everyday(self, start: date) -> None:
        rng = self.rng
        days = (timezone.localdate(self.now) - start).days
        key = Open311Key.objects.create(
            name="兰州城市随手拍",
            digest="demo-" + "0" * 59,
            prefix="demo",
            created_at=timezone.make_aware(datetime.combine(start, time(9))),
        )
        for channel, count in (
            ("hotline", HOTLINE),
            ("web", WEB),
            ("internet_supervision", TIPS),
            ("open311", OPEN311),
        ):
            for _ in range(count):
                recent = rng.random() < RECENT
                day = start + timedelta(days=rng.randint(max(days - 21, 0), days) if recent else rng.randint(0, days))
                received = self.moment(day, 7.5, 22.5)
                self.problem(received, channel, self.pick(), client=key if channel == "open311" else None)
        # The office's triage queue this morning: what came in overnight and today.
        for channel in ("hotline", "hotline", "web", "hotline", "web", "internet_supervision"):
            received = self.now - timedelta(hours=rng.uniform(0.5, 16))
            self.problem(received, channel, self.pick(), triage=False)

    def link_plan_lists(self) -> None:
        """The plan's first media lists are linked to an exposed problem of their lead unit received before
        them, with the event the one-step conversion (handling.do_to_list) records."""
        lists = ResponsibilityList.objects.filter(source=Source.MEDIA).exclude(status=ListStatus.DRAFT)
        taken: set[int] = set()
        office = self.people["office"]
        for rlist in lists.order_by("created_at", "pk"):
            if len(taken) == LISTS_LINKED:
                break
            lead = rlist.duties.filter(role=HandlingRole.LEAD).values_list("unit_id", flat=True).first()
            found = (
                Problem.objects.filter(lead_unit_id=lead, list__isnull=True, created_at__lt=rlist.created_at)
                .exclude(pk__in=taken)
                .order_by("-hot", "-created_at")
                .first()
            )
            if found is None:
                continue
            taken.add(found.pk)
            if not found.hot:
                handling.do_expose(office, found, now=max(found.created_at, rlist.created_at - timedelta(hours=2)))
            Problem.objects.filter(pk=found.pk).update(list=rlist)
            record(
                office,
                "problem.listed",
                "problem",
                found.pk,
                after={"list": rlist.pk, "code": rlist.code},
                at=rlist.created_at or self.now,
            )


def build_public(seed: int, units: dict[str, Unit], people: dict[str, Person], now: datetime) -> None:
    DemoPublic(random.Random(seed + 15), units, people, now).build()


def wipe_public() -> None:
    """Problems and what hangs on them go before the units, people and lists they point at."""
    from luoshi.public.models import Reply, SendBack, Visit

    for model in (Visit, Reply, SendBack):
        model.objects.all().delete()
    Problem.objects.update(duplicate_of=None, list=None)
    Problem.objects.all().delete()
    Broadcast.objects.all().delete()
    Programme.objects.all().delete()
    Open311Key.objects.all().delete()
