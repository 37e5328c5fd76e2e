"""Problems from the public and the media (媒体监督 / 12345): intake, triage, dispatch to units (a duty of
the duty engine per unit), send-backs and rulings, the reply, the return visit; the categories with their
service levels, the TV programmes and their episodes, the keys Open311 clients use."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    TV = "tv", _("TV programme")
    NEWSPAPER = "newspaper", _("Newspaper column")
    HOTLINE = "hotline", _("Hotline (12345)")
    WEB = "web", _("Public web form")
    OPEN311 = "open311", _("Open311 client")
    INTERNET_SUPERVISION = "internet_supervision", _("Internet + supervision tip")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending triage")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    DISPATCHED = "dispatched", _("Dispatched")
    HANDLING = "handling", _("Being handled")
    REPLIED = "replied", _("Replied")
    VISITED = "visited", _("Visited")
    CLOSED = "closed", _("Closed")


# Open311's two statuses: everything not yet ended is open.
ENDED = (Status.REJECTED, Status.DUPLICATE, Status.CLOSED)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


class Outcome(models.TextChoices):
    SOLVED = "solved", _("Solved")
    UNSOLVED = "unsolved", _("Closed but not solved")


class Category(models.Model):
    """A kind of problem (Open311's service) with its service level. The admin edits the list."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    code = models.SlugField(_("service code"), max_length=40, unique=True)  # Open311 service_code
    description = models.CharField(_("description"), max_length=200, blank=True)
    respond_hours = models.PositiveSmallIntegerField(_("sign for within (hours)"), default=24)
    urgent_respond_hours = models.PositiveSmallIntegerField(_("urgent: sign for within (hours)"), default=2)
    resolve_workdays = models.PositiveSmallIntegerField(_("resolve within (working days)"), default=15)
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("problem category")
        verbose_name_plural = _("problem categories")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A TV programme (落实进行时) or a newspaper column that takes problems in on air or in print."""

    class Kind(models.TextChoices):
        TV = "tv", _("TV programme")
        NEWSPAPER = "newspaper", _("Newspaper column")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        ordering = ["pk"]


class Broadcast(models.Model):
    """One episode of a programme (or one issue of a column): the units that appeared on it."""

    programme = models.ForeignKey(Programme, models.PROTECT, related_name="episodes")
    number = models.PositiveSmallIntegerField(_("number"))
    aired_on = models.DateField(_("aired on"))
    title = models.CharField(_("title"), max_length=200)
    units = models.ManyToManyField("org.Unit", related_name="+", blank=True, verbose_name=_("units on air"))

    class Meta:
        ordering = ["programme_id", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="public_one_episode_number")]


class Problem(models.Model):
    """One problem raised by a citizen or the media. The reporter's name and contact are restricted: never
    shown publicly, in Open311 or in exports to units unless the reporter agreed (reporter_consents)."""

    # Unguessable: the public's only handle on the problem (the status page, Open311's token).
    code = models.CharField(_("tracking code"), max_length=24, unique=True)
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, db_index=True)
    category = models.ForeignKey(Category, models.PROTECT, related_name="problems", verbose_name=_("category"))
    content = models.TextField(_("content"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    lat = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True)
    reporter_consents = models.BooleanField(_("the reporter agrees to units seeing the contact"), default=False)
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(_("received"), db_index=True)
    created_by = models.ForeignKey(
        "org.Person", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("entered by")
    )
    broadcast = models.ForeignKey(
        Broadcast, models.PROTECT, null=True, blank=True, related_name="problems", verbose_name=_("episode")
    )
    client = models.ForeignKey("Open311Key", models.PROTECT, null=True, blank=True, related_name="problems")
    # Triage
    triaged_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(_("reason"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="duplicates", verbose_name=_("duplicate of")
    )
    # Dispatch: the lead unit now (its duty is the live lead duty), the deadline the office set, if any.
    lead_unit = models.ForeignKey(
        "org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lead unit")
    )
    dispatched_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    visited_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    # Exposure (曝光) and the list it became
    hot = models.BooleanField(_("hot issue"), default=False, db_index=True)
    exposed_at = models.DateTimeField(_("exposed"), null=True, blank=True)
    list = models.OneToOneField(
        "lists.ResponsibilityList",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="problem",
        verbose_name=_("responsibility list"),
    )
    # The public form's sender, as a keyed digest of the address (never the address): the per-address limit
    # counts these in the last minutes.
    address_digest = models.CharField(max_length=64, blank=True)
    # A double submission (form token or Idempotency-Key) stores one problem.
    submission_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("public problem")
        verbose_name_plural = _("public problems")
        indexes = [
            models.Index(fields=["category", "created_at"]),
            models.Index(fields=["lead_unit", "status"]),
            # The cockpit's and the rates' period of return visits (on time, solved, by month).
            models.Index(fields=["visited_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in ENDED


class SendBackReason(models.TextChoices):
    FUNCTION = "function", _("Not within the unit's functions (职能不符)")
    TERRITORY = "territory", _("Not within the unit's territory (属地不符)")
    OWNERSHIP = "ownership", _("Ownership unclear (权属不清)")
    DUPLICATE = "duplicate", _("Already handled as another problem")
    OTHER = "other", _("Other")


class Ruling(models.TextChoices):
    PENDING = "", _("Awaiting the ruling")
    UPHELD = "upheld", _("The unit was right (counted against nobody)")
    OVERRULED = "overruled", _("The unit was wrong (counted against it)")


class SendBack(models.Model):
    """A unit's send-back (退单) of a problem dispatched to it, with its reason and basis, and the office's
    ruling: counted against nobody until ruled, then against the unit when it was wrong."""

    problem = models.ForeignKey(Problem, models.PROTECT, related_name="send_backs")
    duty = models.ForeignKey("duties.Duty", models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    reason = models.CharField(_("reason"), max_length=12, choices=SendBackReason.choices)
    basis = models.TextField(_("basis"))
    at = models.DateTimeField(_("sent back"))
    by = models.ForeignKey("org.Person", models.PROTECT, related_name="+")
    ruling = models.CharField(_("ruling"), max_length=10, choices=Ruling.choices, blank=True, default="")
    ruled_at = models.DateTimeField(null=True, blank=True)
    ruled_by = models.ForeignKey("org.Person", models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "at"])]


class Reply(models.Model):
    """The unit's reply to the reporter (答复). Never edited: a second reply after a reopening is a new row."""

    problem = models.ForeignKey(Problem, models.PROTECT, related_name="replies")
    duty = models.ForeignKey("duties.Duty", models.PROTECT, related_name="+")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    text = models.TextField(_("reply"))
    at = models.DateTimeField(_("replied"))
    by = models.ForeignKey("org.Person", models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]


class Visit(models.Model):
    """The return visit (回访): the reporter's satisfaction and whether the problem was actually solved."""

    problem = models.ForeignKey(Problem, models.PROTECT, related_name="visits")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name=_("unit"))
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices)
    solved = models.BooleanField(_("solved"))
    note = models.TextField(_("note"), blank=True)
    reopened = models.BooleanField(_("reopened"), default=False)
    at = models.DateTimeField(_("visited"))
    by = models.ForeignKey("org.Person", models.PROTECT, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["unit", "at"])]


class Open311Key(models.Model):
    """A key the admin or office issued to an Open311 client; only its digest is stored."""

    name = models.CharField(_("client"), max_length=80)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)  # shown in lists, so a key can be told apart without revealing it
    created_at = models.DateTimeField(_("issued"))
    created_by = models.ForeignKey("org.Person", models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]


class Intake(models.Model):
    """A problem from the public web form as it arrived: one row inserted by the request (the only write a
    submission makes, so that the form takes hundreds a second), taken in as a Problem by the worker
    (intake_queue.take_in), which keeps the row until the challenge could no longer be sent again: the row is
    also the spend of its proof-of-work challenge, accepted once."""

    code = models.CharField(max_length=24, unique=True)  # the tracking code the sender was given
    challenge_digest = models.CharField(max_length=64, unique=True)  # the problem's submission_key
    address_digest = models.CharField(max_length=64)
    received_at = models.DateTimeField()
    category = models.ForeignKey(Category, models.PROTECT, related_name="+")
    content = models.TextField()
    place = models.CharField(max_length=200, blank=True)
    reporter_name = models.CharField(max_length=60, blank=True)
    reporter_contact = models.CharField(max_length=100, blank=True)
    reporter_consents = models.BooleanField(default=False)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    problem = models.OneToOneField(Problem, models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["received_at"], name="public_intake_received")]


class Sender(models.Model):
    """The per-address limit's count (throttle): how many problems one address (its keyed digest) has sent
    since the start of its window. One row per sender, locked by each of its submissions until it commits."""

    address_digest = models.CharField(max_length=64, primary_key=True)
    since = models.DateTimeField(db_index=True)
    n = models.PositiveIntegerField(default=0)


class RateWeights(models.Model):
    """The three rates' weights in the score, and what a 基本满意 counts for (set by the admin). One row."""

    response_weight = models.PositiveSmallIntegerField(_("response rate weight (%)"), default=10)
    resolution_weight = models.PositiveSmallIntegerField(_("resolution rate weight (%)"), default=45)
    satisfaction_weight = models.PositiveSmallIntegerField(_("satisfaction rate weight (%)"), default=45)
    basically_counts = models.PositiveSmallIntegerField(_("a “basically satisfied” counts as (%)"), default=80)
