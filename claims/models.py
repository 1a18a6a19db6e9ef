from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .folding import fold, fold_names
from .languages import LANGUAGE_CHOICES, language_field, validate_language
from .source_urls import normalize_url, validate_http_url
from .visibility import visible_states
from .workflow import State


class Versioned(models.Model):
    """A row whose every stored change is a new version, so a client's ETag (and If-Match) goes
    stale. The bump rides on the same UPDATE as the change; a set-based `update()` over such rows
    must add `version=F("version") + 1` itself. What a change means for a workflow is the
    services' business, never save()'s."""

    # db_default: rows inserted in raw SQL (the deadline sweep's) start at version 1 too.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if not self._state.adding:
            self.version += 1
            if update_fields is not None:
                stamped = {"version"}
                if any(field.name == "updated_at" for field in self._meta.concrete_fields):
                    stamped.add("updated_at")
                kwargs["update_fields"] = {*update_fields, *stamped}
        super().save(*args, **kwargs)


class RemembersStoredValues(models.Model):
    """Keeps the values of `REMEMBERED_FIELDS` as last read from or written to the database, so
    a hook on post_save can tell whether this save changed one of them without reading the row
    again (and without an extra statement on every save that did not)."""

    REMEMBERED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # post_save, inside, still sees the stored values
        self._remember()

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._remember()
        return instance

    def _remember(self) -> None:
        # Deferred fields are not in __dict__: not remembered, so counted as changed.
        self._stored = {
            name: self.__dict__[attname]
            for name in self.REMEMBERED_FIELDS
            if (attname := self._meta.get_field(name).attname) in self.__dict__
        }

    def stored_value_changed(self, name: str) -> bool:
        """Whether `name` differs from what the database held before this save (True when that
        is unknown: a new row, or one not read first)."""
        stored = getattr(self, "_stored", {})
        attname = self._meta.get_field(name).attname
        return name not in stored or stored[name] != getattr(self, attname)


class KeepsSearchColumn(models.Model):
    """A row with a folded copy of its text for search (claims.folding), refreshed by every
    save(), even one limited by `update_fields`, and by fixture loads (the pre_save hook below).
    The subclass names the column and fills it in refresh_search_columns()."""

    SEARCH_COLUMN: str
    # The fields folded into it: a search of one of them searches the column (claims.admin_search).
    FOLDED_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.refresh_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, self.SEARCH_COLUMN}
        super().save(*args, **kwargs)

    def refresh_search_columns(self) -> None:
        raise NotImplementedError


class NaturalKeyManager(models.Manager):
    """Lets fixtures refer to rows by a stable field instead of a database id."""

    key_field: str = "name"

    def get_by_natural_key(self, key):
        return self.get(**{self.key_field: key})


class ActorManager(NaturalKeyManager):
    key_field = "name"

    def matching(self, text: str):
        """Actors whose name or an alias contains `text`, folded (case and accents, any script):
        what search and the admin's autocomplete use."""
        folded = fold(text)
        return self.filter(search_names__contains=folded) if folded else self.all()

    def by_name(self, name: str):
        """The actor called `name` exactly, by its name or one of its aliases, folded ("ZELENSKY",
        "Зеленський" and "Zelenskyy" find the same actor); its own name wins over another's
        alias. None if no actor is called so."""
        folded = fold(name)
        if not folded:
            return None
        found = list(self.filter(search_names__contains=f"\n{folded}\n")[:20])
        named = [actor for actor in found if fold(actor.name) == folded]
        return (named or found or [None])[0]


class Actor(KeepsSearchColumn):
    SEARCH_COLUMN = "search_names"
    FOLDED_FIELDS = ("name", "aliases")

    class Kind(models.TextChoices):
        STATE = "state", "State"
        GOVERNMENT = "government", "Government"
        ARMED_FORCES = "armed_forces", "Armed forces"
        OFFICIAL = "official", "Official"
        ORGANISATION = "organisation", "Organisation"
        MEDIA = "media", "Media"
        PERSON = "person", "Person"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    country_code = models.CharField(
        max_length=2, blank=True, help_text="ISO 3166-1 alpha-2, e.g. UA, RU, TR, US."
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        help_text="The state or organisation this actor belongs to, e.g. an official's state.",
    )
    aliases = models.TextField(
        blank=True,
        help_text="Other spellings and scripts, one a line: Zelensky, Зеленський, Зеленский.",
    )
    # The name and aliases folded (claims.folding), one a line: kept by save().
    search_names = models.TextField(blank=True, default="", editable=False)

    objects = ActorManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.name,)

    def refresh_search_columns(self) -> None:
        """Fold the name and aliases into `search_names` (save() and fixture loads call it)."""
        self.search_names = fold_names([self.name, *self.alias_list()])

    def alias_list(self) -> list[str]:
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    def clean(self):
        self.aliases = "\n".join(dict.fromkeys(self.alias_list()))
        self.country_code = self.country_code.upper()
        if self.country_code and not (len(self.country_code) == 2 and self.country_code.isalpha()):
            raise ValidationError({"country_code": "Use a two-letter ISO country code."})
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": "An actor cannot be its own parent."})


class TopicManager(NaturalKeyManager):
    key_field = "slug"


class Topic(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)

    objects = TopicManager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self):
        return (self.slug,)


class SourceManager(NaturalKeyManager):
    key_field = "url"

    def get_by_natural_key(self, key):
        try:
            return self.get(url=normalize_url(key))
        except self.model.DoesNotExist:
            # A row stored before the normal form last changed (merge_duplicate_sources
            # rewrites those) is still found by the address it was stored under.
            return self.get(url=key)


class Source(Versioned):
    class Kind(models.TextChoices):
        NEWS_REPORT = "news_report", "News report"
        OFFICIAL_STATEMENT = "official_statement", "Official statement"
        DOCUMENT = "document", "Document"
        IMAGERY = "imagery", "Imagery"
        SOCIAL_MEDIA = "social_media", "Social media"
        INTERVIEW = "interview", "Interview"
        DATASET = "dataset", "Dataset"
        OTHER = "other", "Other"

    class Reliability(models.TextChoices):
        # The Admiralty (NATO) scale for the reliability of a source.
        A = "A", "A – completely reliable"
        B = "B", "B – usually reliable"
        C = "C", "C – fairly reliable"
        D = "D", "D – not usually reliable"
        E = "E", "E – unreliable"
        F = "F", "F – reliability cannot be judged"

    url = models.CharField(
        "URL",
        max_length=2000,
        unique=True,
        validators=[validate_http_url],
        help_text="http or https only. Stored normalised, so the same page is never stored twice.",
    )
    title = models.CharField(max_length=500)
    publisher = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.NEWS_REPORT)
    published_at = models.DateTimeField(null=True, blank=True)
    archived_url = models.CharField(
        "archived URL", max_length=2000, blank=True, validators=[validate_http_url]
    )
    reliability = models.CharField(max_length=1, choices=Reliability.choices, default=Reliability.F)
    language = language_field("the source is written in")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "title"]
        # The admin list's order (it adds -id to make it total) and its date hierarchy.
        indexes = [
            models.Index(fields=["-published_at", "title", "-id"], name="source_list_order_idx")
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if self.url:
            self.url = normalize_url(self.url)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (self.url,)

    def clean(self):
        if self.url:
            try:
                validate_http_url(self.url)
            except ValidationError:
                return  # the field validator reports it
            self.url = normalize_url(self.url)
            existing = Source.objects.filter(url=self.url).exclude(pk=self.pk).first()
            if existing:
                raise ValidationError(
                    {
                        "url": f"This address is already stored as source #{existing.pk} "
                        f"“{existing.title}”."
                    },
                    code="duplicate",
                )


def review_due_on(on) -> Q:
    """ClaimQuerySet.review_due's rule as a condition, for a query that combines it."""
    return Q(state=State.PUBLISHED, review_by__lt=on)


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(state=State.PUBLISHED)

    def visible_to(self, user):
        """The claims `user` may see (claims.visibility: the one rule)."""
        states = visible_states(user)
        return self if states == frozenset(State.values) else self.filter(state__in=states)

    def review_due(self, *, on):
        """Published claims whose review-by date has passed."""
        return self.filter(review_due_on(on))

    def with_list_columns(self):
        """What a claim list shows: its claimant, topic and assignee."""
        return self.select_related("claimant", "topic", "assignee")

    def matching(self, text: str):
        """Claims whose statement or assessment note contains every word of `text`, folded
        (case and accents, any script), on any database."""
        queryset = self
        for word in fold(text).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def touch(self) -> int:
        """Mark the claims changed (new version) without a history row: for changes that are
        recorded on a related row, e.g. evidence added, so clients' cached copies go stale."""
        return self.update(version=F("version") + 1, updated_at=Now())


SUMMARY_MAX_LENGTH = 75


def cut_at_word(text: str, limit: int = SUMMARY_MAX_LENGTH) -> str:
    """`text` on one line, at most `limit` characters: cut at the last whole word that fits,
    with an ellipsis; a single word longer than the limit is cut inside it."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.–—-") + "…"


class Claim(RemembersStoredValues, KeepsSearchColumn, Versioned):
    class Assessment(models.TextChoices):
        UNASSESSED = "unassessed", "Unassessed"
        CONFIRMED = "confirmed", "Confirmed"
        LIKELY = "likely", "Likely"
        CONTESTED = "contested", "Contested"
        UNLIKELY = "unlikely", "Unlikely"
        FALSE = "false", "False"
        UNVERIFIABLE = "unverifiable", "Unverifiable"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    State = State
    CREATOR_FIELD = "created_by"
    SEARCH_COLUMN = "search_text"
    FOLDED_FIELDS = ("statement", "assessment_note")
    # The reviewers' queue orders a claim's items by its priority (a hook above keeps them in step).
    REMEMBERED_FIELDS = ("priority",)
    # Edits to these on published work send it back for review (claims.services.claim_update).
    MATERIAL_FIELDS = ("statement", "claimant_id", "quantity", "quantity_unit")

    statement = models.TextField()
    language = language_field(
        "the statement was made in (it stays in it; translations are added beside it)"
    )
    # Statement and assessment note folded (claims.folding), for search and similarity; kept
    # by save(), indexed with pg_trgm on PostgreSQL (migration 0011).
    search_text = models.TextField(blank=True, default="", editable=False)
    # schema.org ClaimReview `claimReviewed`: search engines show about 75 characters.
    summary = models.CharField(
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text="The claim in at most 75 characters, for search results and fact-check "
        "aggregators. Empty: the statement, cut at a word.",
    )
    claimant = models.ForeignKey(Actor, on_delete=models.PROTECT, related_name="claims")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    claimed_on = models.DateField(null=True, blank=True)
    quantity = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A number the claim states, e.g. 117 (drones) or 12000 (bodies).",
    )
    quantity_unit = models.CharField(max_length=60, blank=True)
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.DRAFT, editable=False, db_index=True
    )
    assessment = models.CharField(
        max_length=20, choices=Assessment.choices, default=Assessment.UNASSESSED, db_index=True
    )
    assessment_note = models.TextField(blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_claims",
    )
    review_by = models.DateField(
        null=True, blank=True, help_text="A published claim is re-reviewed after this date."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # The dates of the first and of the latest history row written while the claim was
    # published (its publication, a republication, an edit of what the page shows), kept by
    # claims.services so the public list and feed are ordered from an index instead of by
    # grouping the history. Copied into the history like every column: simple-history writes a
    # claim's row from any model's m2m hook (claim.follow_ups.add), which knows no exclusions.
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [("review_claim", "Can take, release, publish and return claims")]
        indexes = [
            models.Index(fields=["updated_at", "id"], name="claim_updated_idx"),
            # The admin's date hierarchy reads the first and last date.
            models.Index(fields=["claimed_on"], name="claim_claimed_on_idx"),
            # The reviewers' chart counts claims per assessment from this index alone.
            models.Index(
                fields=["assessment"],
                condition=~Q(state="archived"),
                name="claim_live_assessment_idx",
            ),
            # The deadline sweep's review-due list: only published claims with a review date,
            # so a sweep every minute does not read every published claim.
            models.Index(
                fields=["review_by", "id"],
                condition=Q(state="published", review_by__isnull=False),
                name="claim_review_due_idx",
            ),
            # The public list (newest publication first) and the Atom feed (latest publication
            # first) read their pages from the front of these.
            models.Index(
                fields=["-first_published_at", "-id"],
                condition=Q(state="published", first_published_at__isnull=False),
                name="claim_public_list_idx",
            ),
            models.Index(
                fields=["-last_published_at", "-id"],
                condition=Q(state="published", last_published_at__isnull=False),
                name="claim_public_feed_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="claim_quantity_not_negative",
            )
        ]

    def __str__(self) -> str:
        text = " ".join(self.statement.split())
        return text if len(text) <= 90 else text[:89] + "…"

    def get_absolute_url(self) -> str:
        # Where a reader outside the newsroom sees the claim: its API resource.
        return reverse("api:claim-detail", args=[self.pk])

    def refresh_search_columns(self) -> None:
        """Fold statement and note into `search_text` (save() and fixture loads call it)."""
        note = fold(self.assessment_note)
        self.search_text = fold(self.statement) + (f"\n{note}" if note else "")

    def translation_in(self, language: str):
        """The translation into `language`, if any (from a prefetch when there is one)."""
        return next((t for t in self.translations.all() if t.language == language), None)

    def short_summary(self) -> str:
        """What a search result shows of the claim: the editors' summary, or the statement cut
        at a word."""
        return self.summary.strip() or cut_at_word(self.statement)

    def publish_blockers(self) -> list[str]:
        """Why this claim cannot be published yet; empty when it can."""
        blockers = []
        if self.assessment == self.Assessment.UNASSESSED:
            blockers.append("it needs an assessment other than “Unassessed”")
        if not self.evidence.exists():
            blockers.append("it needs at least one piece of evidence")
        return blockers


class Evidence(models.Model):
    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        REFUTES = "refutes", "Refutes"
        CONTEXT = "context", "Context"

    class Credibility(models.IntegerChoices):
        # The Admiralty (NATO) scale for the credibility of a piece of information.
        CONFIRMED = 1, "1 – confirmed by other sources"
        PROBABLY_TRUE = 2, "2 – probably true"
        POSSIBLY_TRUE = 3, "3 – possibly true"
        DOUBTFUL = 4, "4 – doubtful"
        IMPROBABLE = 5, "5 – improbable"
        CANNOT_BE_JUDGED = 6, "6 – truth cannot be judged"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    stance = models.CharField(max_length=10, choices=Stance.choices, default=Stance.SUPPORTS)
    excerpt = models.TextField(blank=True)
    credibility = models.PositiveSmallIntegerField(
        choices=Credibility.choices, default=Credibility.CANNOT_BE_JUDGED
    )
    note = models.TextField(blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    CREATOR_FIELD = "added_by"

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["added_at", "id"]
        indexes = [models.Index(fields=["added_at", "id"], name="evidence_list_order_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "source", "stance"], name="evidence_once_per_source_and_stance"
            ),
            models.CheckConstraint(
                condition=Q(credibility__gte=1, credibility__lte=6),
                name="evidence_credibility_1_to_6",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.source}"


class ClaimRelation(models.Model):
    class Kind(models.TextChoices):
        CONTRADICTS = "contradicts", "Contradicts"
        SUPPORTS = "supports", "Supports"
        DUPLICATES = "duplicates", "Duplicates"

    from_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="relations")
    to_claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="related_from")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    history = HistoricalRecords()

    CREATOR_FIELD = "created_by"

    class Meta:
        verbose_name = "relation between claims"
        verbose_name_plural = "relations between claims"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_claim", "to_claim", "kind"], name="claim_relation_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_claim=F("to_claim")), name="claim_relation_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.from_claim_id} {self.kind} #{self.to_claim_id}"

    def clean(self):
        if self.from_claim_id and self.from_claim_id == self.to_claim_id:
            raise ValidationError({"to_claim": "A claim cannot be related to itself."})


class ClaimTranslation(models.Model):
    """A claim's statement in another language; the statement itself stays as it was made.
    Written through claims.translations."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(
        max_length=2, choices=LANGUAGE_CHOICES, validators=[validate_language]
    )
    text = models.TextField()
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "language"], name="claim_translation_once_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} in {self.language}"

    def clean(self):
        if self.claim_id and self.language and self.claim.language == self.language:
            raise ValidationError(
                {"language": "This is the language the claim was made in: edit the statement."}
            )
        if not (self.text or "").strip():
            raise ValidationError({"text": "A translation needs its text."})


def _refresh_search_columns_of_fixtures(sender, instance, raw=False, **kwargs):
    # loaddata saves raw, around save(): the folded columns are filled here for those rows.
    if raw and isinstance(instance, KeepsSearchColumn):
        instance.refresh_search_columns()


models.signals.pre_save.connect(
    _refresh_search_columns_of_fixtures, dispatch_uid="claims.refresh_search_columns"
)
