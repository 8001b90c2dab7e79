from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Substr
from django.urls import reverse

from accounts.roles import can_read_all, is_desk_officer, is_embassy_staff


class Region(models.TextChoices):
    AF = "AF", "Africa"
    EAP = "EAP", "East Asia and Pacific"
    EUR = "EUR", "Europe and Eurasia"
    NEA = "NEA", "Near East"
    SCA = "SCA", "South and Central Asia"
    WHA = "WHA", "Western Hemisphere"
    IO = "IO", "International Organizations"


class PostQuerySet(models.QuerySet):
    """Who works where. The one place that reads Post.staff: every access check starts here."""

    def visible_to(self, user):
        """The posts whose tasks and figures a user may see: all for desk officers and managers, own for staff."""
        return self if can_read_all(user) else self.worked_by(user)

    def worked_by(self, user):
        """The posts a user works as embassy staff (none without that role)."""
        return self.filter(pk__in=post_ids_worked_by(user))

    def staff_users(self):
        """The users on the staff of these posts: who may be assigned their tasks."""
        return get_user_model().objects.filter(posts__in=self).distinct()

    def unreachable(self):
        """The posts no one can be reminded at: no active staff account with an email address."""
        reachable = Post.staff.through.objects.filter(user__is_active=True).exclude(user__email="")
        return self.exclude(pk__in=reachable.values("post_id"))

    def staff_pairs(self, post_ids, *, exclude_user_id: int | None = None) -> list[tuple[int, int]]:
        """(post id, user id) of the active staff of the given posts: who to tell or remind."""
        pairs = Post.staff.through.objects.filter(post_id__in=post_ids, user__is_active=True)
        if exclude_user_id is not None:
            pairs = pairs.exclude(user_id=exclude_user_id)
        return list(pairs.values_list("post_id", "user_id"))


def post_ids_worked_by(user) -> list[int]:
    """The ids of the posts a user works as embassy staff (empty without that role), read once per request.

    A list of ids, so that queries say `post_id IN (571)`: a join through post made the planner loop over
    every post inside the dashboards' per-demarche subqueries, and with a subquery of the staff table it
    still misjudged the rows at 20 million tasks (a merge join filtering 2.5 million rows: 420 ms for the
    overview's overdue list, 13 ms at 2 million); with the ids it reads the post's rows by index.
    """
    if not is_embassy_staff(user):
        return []
    cached = getattr(user, "_staff_post_ids", None)
    if cached is None:
        cached = user._staff_post_ids = sorted(
            Post.staff.through.objects.filter(user=user).values_list("post_id", flat=True)
        )
    return cached


def works_at(user, post_id: int) -> bool:
    """Whether a user is on a post's embassy staff (a desk officer acting for it is not)."""
    return Post.objects.worked_by(user).filter(pk=post_id).exists()


def can_act_on(user, post: "Post") -> bool:
    """Whether a user may act for a post (its tasks, acknowledgements, reminders): desk officers on any
    post, embassy staff on the posts they work."""
    return is_desk_officer(user) or works_at(user, post.pk)


class Post(models.Model):
    """A US diplomatic post: embassy, consulate, mission or AIT office."""

    class Kind(models.TextChoices):
        EMBASSY = "embassy"
        CONSULATE = "consulate"
        MISSION = "mission"
        AIT = "ait", "AIT"
        OFFICE = "office"
        DEPARTMENT = "department"

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    # Lists sort posts by place: "AIT Taipei" files under T, beside the embassies.
    sort_name = models.GeneratedField(
        expression=Case(When(name__startswith="AIT ", then=Substr("name", 5)), default=F("name")),
        output_field=models.CharField(max_length=120), db_persist=True,
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    city = models.CharField(max_length=80, blank=True)
    country = models.CharField(max_length=120, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    region = models.CharField(max_length=3, choices=Region.choices, blank=True, db_index=True)
    timezone = models.CharField(max_length=64, default="UTC")
    # ISO weekday numbers of the host country's weekend, e.g. [5, 6] for Friday-Saturday.
    weekend = models.JSONField(default=list)
    routing_names = models.JSONField(default=list, blank=True)
    routing_indicators = models.JSONField(default=list, blank=True)
    releasability_names = models.JSONField(default=list, blank=True)
    active = models.BooleanField(default=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="posts", blank=True,
        help_text="Embassy staff who work this post's tasks.",
    )

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["sort_name", "name"]

    def __str__(self) -> str:
        return self.name


class Collective(models.Model):
    """A collective addressee ("ALL NATO POST COLLECTIVE") and the posts it stands for, as of a date.

    Loaded from cables/data/collectives.csv; an administrator edits the membership when it changes (NATO grew in
    2009). The parser names a collective by its key; demarches are expanded with the posts here."""

    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Spellings in cable headers and text: ALL NATO POST COLLECTIVE, NATO CAPITALS."
    )
    routing_indicators = models.JSONField(default=list, blank=True)
    members = models.ManyToManyField(Post, related_name="collectives", blank=True)
    as_of = models.DateField(help_text="The date the membership holds for.")
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CableQuerySet(models.QuerySet):
    def current(self):
        """Only the latest revision of each reference id."""
        return self.filter(is_current=True)

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(reference_id__icontains=text.replace(" ", ""))
            | Q(subject__icontains=text)
            | Q(tags_text__icontains=text)
        )


class Cable(models.Model):
    """One cable exactly as received, with its parse. Revisions never overwrite."""

    class Status(models.TextChoices):
        PARSED = "parsed"
        FAILED = "failed"

    reference_id = models.CharField(max_length=40)
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    raw_text = models.TextField()
    # Set only when the text alone cannot reproduce the input (NUL or non-UTF-8 bytes).
    raw_bytes = models.BinaryField(null=True, blank=True, editable=False)
    raw_sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices)
    parse_error = models.TextField(blank=True)
    parser_version = models.CharField(max_length=20)
    parsed = models.JSONField(null=True, blank=True)
    # Denormalised from `parsed` for lists and search.
    subject = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    origin = models.CharField(max_length=120, blank=True)
    classification = models.CharField(max_length=60, blank=True)
    tags_text = models.CharField(max_length=500, blank=True)
    is_action_request = models.BooleanField(default=False)
    anomaly_count = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    ingested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CableQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reference_id", "revision"], name="cable_revision_unique"),
            # At most one current revision per reference id: lookups by id stay unambiguous.
            models.UniqueConstraint(
                fields=["reference_id"], condition=Q(is_current=True), name="cable_one_current"
            ),
        ]
        indexes = [models.Index(fields=["-sent_at", "-id"], name="cable_list_idx")]

    def __str__(self) -> str:
        return self.reference_id if self.revision == 1 else f"{self.reference_id} (rev {self.revision})"

    def get_absolute_url(self) -> str:
        return reverse("cables:detail", args=[self.pk])

    def as_received(self) -> bytes:
        """Return the input byte for byte."""
        if self.raw_bytes is not None:
            return bytes(self.raw_bytes)
        return self.raw_text.encode("utf-8", "surrogatepass")

    @property
    def tags(self) -> list[str]:
        return (self.parsed or {}).get("tags") or []

    @property
    def anomalies(self) -> list[dict]:
        return (self.parsed or {}).get("anomalies") or []


class CableAddressee(models.Model):
    """An addressee line of a cable, resolved to a post where possible."""

    class Role(models.TextChoices):
        FROM = "from"
        ACTION = "action"
        INFO = "info"

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="addressees")
    role = models.CharField(max_length=6, choices=Role.choices)
    position = models.PositiveSmallIntegerField()
    raw = models.CharField(max_length=255)
    kind = models.CharField(max_length=20)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["cable", "role", "position"]
        # "Which cables were sent by / to this post": reply matching and post pages.
        indexes = [models.Index(fields=["post", "role"], name="addressee_post_role_idx")]

    def __str__(self) -> str:
        return f"{self.role}: {self.raw}"


class CableReference(models.Model):
    """A cable cited in REF; indexed so replies to a demarche are found fast."""

    cable = models.ForeignKey(Cable, on_delete=models.CASCADE, related_name="cited")
    reference_id = models.CharField(max_length=40, db_index=True)
    letter = models.CharField(max_length=4, blank=True)

    class Meta:
        ordering = ["cable", "letter", "reference_id"]
        constraints = [
            models.UniqueConstraint(fields=["cable", "reference_id"], name="cable_reference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.cable} cites {self.reference_id}"
