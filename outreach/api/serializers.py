"""API representations. Figures come from outreach.dashboards; writes are validated here and done by services."""

from django.urls import reverse
from rest_framework import serializers

from outreach.models import Demarche, PostTask
from outreach.services import bounds

# What every representation of a demarche starts with, in this order.
DEMARCHE_FIELDS = ["reference_id", "subject", "state", "owner", "deliver_by", "report_by", "issued_at"]


class DemarcheListSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username")
    posts_count = serializers.IntegerField()
    delivered_pct = serializers.FloatField(allow_null=True)
    reported_pct = serializers.FloatField(allow_null=True)
    overdue_count = serializers.IntegerField()
    url = serializers.HyperlinkedIdentityField(view_name="api:demarche-detail", lookup_field="reference_id")

    class Meta:
        model = Demarche
        fields = [*DEMARCHE_FIELDS, "posts_count", "delivered_pct", "reported_pct", "overdue_count", "url"]


class StepSerializer(serializers.Serializer):
    state = serializers.CharField(help_text="none, open, overdue, done or not_delivered")
    due = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)


class PostStatusSerializer(serializers.Serializer):
    post = serializers.CharField(source="post_code")
    post_name = serializers.CharField()
    region = serializers.CharField()
    audience = serializers.CharField(help_text="Blank: the host government.")
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    delivered = serializers.SerializerMethodField()
    talking_points = serializers.SerializerMethodField()
    reported = serializers.SerializerMethodField()
    response = serializers.CharField(allow_null=True)
    response_text = serializers.CharField(allow_null=True)
    overdue = serializers.BooleanField()
    thread = serializers.IntegerField(source="thread_id", allow_null=True,
                                      help_text="The post's thread with the desk: /api/threads/{thread}/messages/.")
    question_pending = serializers.BooleanField(help_text="The post asked the desk a question not yet answered.")

    def _step(self, row, prefix):
        return {"state": row[f"{prefix}_state"], "due": row[f"{prefix}_due"], "done_on": row[f"{prefix}_on"]}

    def get_delivered(self, row) -> StepSerializer:
        return StepSerializer(self._step(row, "deliver")).data

    def get_talking_points(self, row) -> StepSerializer:
        return StepSerializer(self._step(row, "talking")).data

    def get_reported(self, row) -> StepSerializer:
        return StepSerializer(self._step(row, "report")).data


class SummarySerializer(serializers.Serializer):
    posts = serializers.IntegerField()
    delivered_posts = serializers.IntegerField()
    reported_posts = serializers.IntegerField()
    tasks = serializers.IntegerField()
    overdue = serializers.IntegerField()
    late = serializers.IntegerField()
    delivered_pct = serializers.FloatField(allow_null=True)
    reported_pct = serializers.FloatField(allow_null=True)
    delivered_on_time_pct = serializers.FloatField(allow_null=True)
    reported_on_time_pct = serializers.FloatField(allow_null=True)
    median_days_to_deliver = serializers.FloatField(allow_null=True)
    median_days_to_report = serializers.FloatField(allow_null=True)


class DemarcheDetailSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.username")
    summary = SummarySerializer()
    posts = PostStatusSerializer(many=True, source="post_status")
    tasks = serializers.SerializerMethodField()

    class Meta:
        model = Demarche
        fields = [*DEMARCHE_FIELDS, "summary", "posts", "tasks"]

    def get_tasks(self, demarche) -> list[dict]:
        return [
            {
                "id": t.pk,
                "url": self.context["request"].build_absolute_uri(reverse("api:task-detail", args=[t.pk])),
                "post": t.post.code,
                "audience": t.audience,
                "kind": t.kind,
                "status": t.status,
                "due": t.due,
            }
            for t in demarche.api_tasks
        ]


# The detail is built in one pass over plain rows (instantiating the serializers above for ~300 rows
# and ~900 tasks cost ~200 ms); these field instances give each value the same representation.
_DATE = serializers.DateField()
_DATETIME = serializers.DateTimeField()
_STEPS = (("delivered", "deliver"), ("talking_points", "talking"), ("reported", "report"))


def _date(value):
    return None if value is None else _DATE.to_representation(value)


def demarche_detail_data(demarche: Demarche, *, tasks: list[tuple], request) -> dict:
    """Return what DemarcheDetailSerializer would, from the matrix rows and (id, post, ...) task tuples."""
    marker = "987654321"
    url = request.build_absolute_uri(reverse("api:task-detail", args=[int(marker)]))
    head, _, tail = url.rpartition(f"/{marker}/")
    posts = []
    for row in demarche.post_status:
        item = {
            "post": _str(row["post_code"]),
            "post_name": _str(row["post_name"]),
            "region": _str(row["region"]),
            "audience": _str(row["audience"]),
            "acknowledged_at": (
                None
                if row["acknowledged_at"] is None
                else _DATETIME.to_representation(row["acknowledged_at"])
            ),
        }
        for name, prefix in _STEPS:
            item[name] = {
                "state": _str(row[f"{prefix}_state"]),
                "due": _date(row[f"{prefix}_due"]),
                "done_on": _date(row[f"{prefix}_on"]),
            }
        item["response"] = _str(row["response"])
        item["response_text"] = _str(row["response_text"])
        item["overdue"] = None if row["overdue"] is None else bool(row["overdue"])
        item["thread"] = row.get("thread_id")
        item["question_pending"] = bool(row.get("question_pending"))
        posts.append(item)
    return {
        "reference_id": demarche.reference_id,
        "subject": demarche.subject,
        "state": demarche.state,
        "owner": demarche.owner.username,
        "deliver_by": _date(demarche.deliver_by),
        "report_by": _date(demarche.report_by),
        "issued_at": None if demarche.issued_at is None else _DATETIME.to_representation(demarche.issued_at),
        "summary": SummarySerializer(demarche.summary).data,
        "posts": posts,
        "tasks": [
            {
                "id": pk,
                "url": f"{head}/{pk}/{tail}",
                "post": post,
                "audience": audience,
                "kind": kind,
                "status": status,
                "due": due,
            }
            for pk, post, audience, kind, status, due in tasks
        ],
    }


def _str(value):
    return None if value is None else str(value)


class TaskSerializer(serializers.ModelSerializer):
    demarche = serializers.CharField(source="demarche.reference_id", read_only=True)
    post = serializers.CharField(source="post.code", read_only=True)
    overdue = serializers.SerializerMethodField()
    points_withheld = serializers.BooleanField(read_only=True, default=False)
    # Declared so that the schema allows "" (not yet reported): read-only model fields lose allow_blank.
    method = serializers.ChoiceField(choices=PostTask.Method.choices, allow_blank=True, read_only=True)
    response = serializers.ChoiceField(choices=PostTask.Response.choices, allow_blank=True, read_only=True)

    class Meta:
        model = PostTask
        fields = [
            "id",
            "demarche",
            "post",
            "audience",
            "kind",
            "instruction",
            "talking_points",
            "sections",
            "text",
            "text_kind",
            "marking",
            "points_withheld",
            "due",
            "status",
            "status_reason",
            "overdue",
            "delivered_on",
            "method",
            "officials",
            "requested_level",
            "response",
            "response_text",
            "reply_reference_id",
            "completed_at",
            "version",
        ]
        read_only_fields = fields

    def get_overdue(self, task) -> bool:
        return task.is_overdue(self.context["today"])


class TaskConflictSerializer(serializers.Serializer):
    """The 409 answer to a stale `version`: why, and the task as it now is."""

    detail = serializers.CharField()
    current = TaskSerializer()


class OfficialSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=bounds.OFFICIAL_FIELD)
    title = serializers.CharField(max_length=bounds.OFFICIAL_FIELD, required=False, allow_blank=True, default="")
    ministry = serializers.CharField(max_length=bounds.OFFICIAL_FIELD, required=False, allow_blank=True, default="")


class TaskStatusSerializer(serializers.Serializer):
    """A change of status, with what the post reports. `version` guards against lost updates.

    Only the shape is checked here: what a transition needs is checked by its service.
    """

    status = serializers.ChoiceField(choices=["done", "not_delivered", "open"])
    version = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**31 - 1,
        help_text="The task's version as read; required (428 without it, 409 when stale).",
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.TEXT_LIMITS["reason"])
    delivered_on = serializers.DateField(required=False, allow_null=True)
    method = serializers.ChoiceField(
        choices=PostTask.Method.choices, required=False, allow_blank=True, default=""
    )
    officials = OfficialSerializer(many=True, required=False, default=list, max_length=bounds.MAX_OFFICIALS)
    requested_level = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)
    response = serializers.ChoiceField(
        choices=PostTask.Response.choices, required=False, allow_blank=True, default=""
    )
    response_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=bounds.MAX_TEXT)
    reply_reference_id = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    def validate(self, data):
        # The services take plain dicts; the rules of each transition are theirs (services/workflow.py).
        data["officials"] = [dict(official) for official in data["officials"]]
        return data


class CableIngestSerializer(serializers.Serializer):
    text = serializers.CharField(trim_whitespace=False, help_text="The cable exactly as received.")
    filename = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class CableResultSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="cable.pk")
    reference_id = serializers.CharField(source="cable.reference_id")
    revision = serializers.IntegerField(source="cable.revision")
    status = serializers.CharField(source="cable.status")
    outcome = serializers.CharField()
    error = serializers.CharField()
