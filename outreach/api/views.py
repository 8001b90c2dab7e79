"""API views: read through outreach.dashboards and PostTask.objects.visible_to; write through the services."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import can_read_all, is_desk_officer, is_embassy_staff
from cables.models import Post
from outreach import dashboards, services
from outreach.models import Demarche, PostTask

from . import serializers as s


class HasRole(permissions.BasePermission):
    """Desk officers, managers and embassy staff; anyone else is refused."""

    def has_permission(self, request, view):
        return can_read_all(request.user) or is_embassy_staff(request.user)


class IsDeskOfficer(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_desk_officer(request.user)


TASK_FILTERS = ["open", "overdue", "done", "not_delivered"]


def _choice(request, name: str, allowed: list[str]) -> str:
    """Return a query parameter that is one of `allowed` (or ""): anything else is a 400, not a query."""
    value = request.query_params.get(name, "")
    if value and value not in allowed:
        raise ValidationError({name: f"One of: {', '.join(allowed)}."})
    return value


@extend_schema(parameters=[OpenApiParameter("state", enum=Demarche.State.values)])
class DemarcheList(generics.ListAPIView):
    """Demarches with completion figures, newest deadline first (embassy staff: their posts' figures)."""

    permission_classes = [permissions.IsAuthenticated, HasRole]
    serializer_class = s.DemarcheListSerializer

    def get_queryset(self):
        demarches = dashboards.demarches_with_figures(self.request.user, today=timezone.localdate())
        state = _choice(self.request, "state", Demarche.State.values)
        if state:
            demarches = demarches.filter(state=state)
        return demarches.order_by("-deliver_by", "-pk")


class DemarcheDetail(generics.RetrieveAPIView):
    """One demarche: per-post status of each step, the summary figures and its task ids."""

    permission_classes = [permissions.IsAuthenticated, HasRole]
    serializer_class = s.DemarcheDetailSerializer
    lookup_field = "reference_id"

    def get_queryset(self):
        return dashboards.visible_demarches(self.request.user).select_related("owner")

    def get_object(self):
        if "\x00" in self.kwargs["reference_id"]:  # PostgreSQL refuses NUL in text: no demarche has one
            raise Http404("No such demarche")
        demarche = super().get_object()
        user, today = self.request.user, timezone.localdate()
        demarche.post_status = dashboards.demarche_matrix(demarche, user, today=today)
        demarche.summary = dashboards.demarche_summary(demarche, user, today=today, matrix=demarche.post_status)
        return demarche

    def retrieve(self, request, *args, **kwargs):
        demarche = self.get_object()
        tasks = (
            dashboards.live_tasks(request.user)
            .filter(demarche=demarche)
            .order_by("post__sort_name", "audience", "position", "pk")
            .values_list("pk", "post__code", "audience", "kind", "status", "due")
        )
        return Response(s.demarche_detail_data(demarche, tasks=list(tasks), request=request))


class TaskPages(PageNumberPagination):
    # A task carries its texts whole (instruction, response, officials up to their limits: ~160 kB at
    # worst); 50 of them made a 5 MB page. Ten keep a page within the pages' byte budget.
    page_size = 10


@extend_schema(parameters=[OpenApiParameter("status", enum=TASK_FILTERS)])
class PostTasks(generics.ListAPIView):
    """A post's tasks across demarches, soonest due first; ?status=open|done|not_delivered|overdue."""

    permission_classes = [permissions.IsAuthenticated, HasRole]
    serializer_class = s.TaskSerializer
    pagination_class = TaskPages

    def get_queryset(self):
        user = self.request.user
        post = get_object_or_404(Post.objects.visible_to(user), code=self.kwargs["code"])
        tasks = PostTask.objects.visible_to(user).filter(post=post).select_related("demarche", "post")
        wanted = _choice(self.request, "status", TASK_FILTERS)
        if wanted == "overdue":
            tasks = tasks.filter(status=PostTask.Status.OPEN, due__lt=timezone.localdate())
        elif wanted:
            tasks = tasks.filter(status=wanted)
        return tasks.order_by("due", "demarche__reference_id", "audience", "position", "pk")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return services.redact_for(self.request.user, page) if page is not None else page


class TaskDetail(APIView):
    """Read one task; PATCH its status with the same rules and permissions as the task page."""

    permission_classes = [permissions.IsAuthenticated, HasRole]

    def _task(self, request, pk):
        try:
            return services.task_for(request.user, pk)
        except PostTask.DoesNotExist:
            raise Http404("No such task") from None

    def _render(self, request, task, code=status.HTTP_200_OK):
        services.redact_for(request.user, [task])
        return Response(s.TaskSerializer(task, context={"today": timezone.localdate()}).data, status=code)

    @extend_schema(responses=s.TaskSerializer)
    def get(self, request, pk: int):
        return self._render(request, self._task(request, pk))

    @extend_schema(
        request=s.TaskStatusSerializer,
        responses={200: s.TaskSerializer, 409: s.TaskConflictSerializer, 428: s.TaskConflictSerializer},
    )
    def patch(self, request, pk: int):
        task = self._task(request, pk)
        if not services.can_work_on(task, request.user):
            raise PermissionDenied("You cannot change this task.")
        change = s.TaskStatusSerializer(data=request.data)
        change.is_valid(raise_exception=True)
        data = change.validated_data
        action = services.action_for_status(task, data["status"])
        if not services.can_attempt(request.user, task, action):
            raise PermissionDenied("You cannot change this task.")
        if data.get("version") is None:
            # Without the version the client read, two updates would silently overwrite each other.
            return Response(
                {
                    "detail": "Send the task's version as you read it (the \"version\" field), so that "
                    "a change someone else made since is not overwritten.",
                    "current": s.TaskSerializer(task, context={"today": timezone.localdate()}).data,
                },
                status=status.HTTP_428_PRECONDITION_REQUIRED,
            )
        try:
            task = services.act_on_task(task, action, data, by=request.user, version=data.get("version"))
        except services.ConflictError as exc:
            current = services.task_for(request.user, pk)
            return Response(
                {
                    "detail": str(exc),
                    "current": s.TaskSerializer(current, context={"today": timezone.localdate()}).data,
                },
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc) or "You cannot change this task.") from None
        except DjangoValidationError as exc:
            # The services' field errors come back as the serializer's would: {"field": ["message"]}.
            body = exc.message_dict if hasattr(exc, "error_dict") else {"detail": " ".join(exc.messages)}
            return Response(body, status=status.HTTP_400_BAD_REQUEST)
        return self._render(request, services.task_for(request.user, task.pk))

    @extend_schema(
        request=s.TaskStatusSerializer,
        responses={200: s.TaskSerializer, 409: s.TaskConflictSerializer, 428: s.TaskConflictSerializer},
    )
    def post(self, request, pk: int):
        return self.patch(request, pk)


class CableIngest(APIView):
    """Ingest one cable exactly as received (desk officers). Safe to send twice."""

    permission_classes = [permissions.IsAuthenticated, IsDeskOfficer]

    @extend_schema(
        request=s.CableIngestSerializer,
        responses={200: s.CableResultSerializer, 201: s.CableResultSerializer},
    )
    def post(self, request):
        data = s.CableIngestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        if len(text.encode("utf-8", "surrogatepass")) > settings.CABLE_MAX_BYTES:
            return Response(
                {"detail": "Too large to be a cable."}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
            )
        result = services.receive_cable(text, filename=data.validated_data["filename"] or None, by=request.user)
        code = status.HTTP_200_OK if result.outcome == "unchanged" else status.HTTP_201_CREATED
        return Response(s.CableResultSerializer(result).data, status=code)
