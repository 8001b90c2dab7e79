"""API of a post's thread with the desk: list and write messages, correct one (with its `version`).

Same rule as the pages (outreach/threads/access.py): another post's thread is a 404, managers read and
get 403 on a write. Files are attached on the pages; here each message lists its files' download URLs.
"""

from django.http import Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response
from rest_framework.views import APIView

from outreach.models import DemarchePost, Message, PostTask
from outreach.services import ConflictError, bounds
from outreach.threads import access
from outreach.threads import services as threads
from outreach.threads.queries import messages_of
from outreach.threads.views import file_response

from .views import HasRole


class AttachmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment) -> str:
        return reverse("api:thread-file", args=[attachment.demarche_post_id, attachment.pk])


class MessageSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username")
    side = serializers.SerializerMethodField()
    editable = serializers.SerializerMethodField()
    attachments = AttachmentSerializer(many=True)

    class Meta:
        model = Message
        fields = ["id", "author", "side", "body", "is_question", "answered_at", "task", "created_at", "edited_at",
                  "version", "editable", "attachments"]
        read_only_fields = fields

    def get_side(self, message) -> str:
        return "desk" if message.from_desk else "post"

    def get_editable(self, message) -> bool:
        user = self.context["request"].user
        writable = self.context.get("can_write")
        if writable is None:
            writable = access.can_write(user, message.demarche_post)
        return writable and access.can_edit(user, message)


class NewMessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=bounds.MAX_TEXT, allow_blank=False, trim_whitespace=True)
    is_question = serializers.BooleanField(default=False, help_text="A question for the desk (posts only).")
    task = serializers.IntegerField(required=False, allow_null=True, help_text="The post's task it is about.")


class EditMessageSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=bounds.MAX_TEXT, allow_blank=False, trim_whitespace=True)
    version = serializers.IntegerField(required=False, allow_null=True,
                                       help_text="The message's version as read; required (428 without, 409 stale).")


class MessageConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = MessageSerializer()


def _thread(request, dpost_pk: int) -> DemarchePost:
    try:
        return access.thread_for(request.user, dpost_pk)
    except DemarchePost.DoesNotExist:
        raise Http404("No such thread") from None


class ThreadMessages(generics.ListAPIView):
    """A post's thread with the desk, oldest first; POST writes a message (the post's staff, desk officers)."""

    permission_classes = [permissions.IsAuthenticated, HasRole]
    serializer_class = MessageSerializer

    def get_queryset(self):
        self.dpost = _thread(self.request, self.kwargs["dpost_pk"])
        return messages_of(self.dpost)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if getattr(self, "dpost", None) is not None:  # once per page, not once per message
            context["can_write"] = access.can_write(self.request.user, self.dpost)
        return context

    @extend_schema(request=NewMessageSerializer, responses={201: MessageSerializer})
    def post(self, request, dpost_pk: int):
        dpost = _thread(request, dpost_pk)
        data = NewMessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        task = None
        if values.get("task"):
            task = PostTask.objects.filter(pk=values["task"], demarche_post=dpost).first()
            if task is None:
                return Response({"task": ["No such task in this thread."]}, status=status.HTTP_400_BAD_REQUEST)
        message = threads.post_message(dpost, by=request.user, body=values["body"], task=task,
                                       is_question=values["is_question"])
        return Response(MessageSerializer(message, context={"request": request}).data, status=status.HTTP_201_CREATED)


class ThreadMessage(APIView):
    """One message; PATCH corrects its text within 5 minutes of writing (its author), with its `version`."""

    permission_classes = [permissions.IsAuthenticated, HasRole]

    def _message(self, request, dpost_pk, message_pk) -> Message:
        try:
            return access.message_for(request.user, dpost_pk, message_pk)
        except Message.DoesNotExist:
            raise Http404("No such message") from None

    def _data(self, request, message):
        return MessageSerializer(message, context={"request": request}).data

    @extend_schema(responses=MessageSerializer)
    def get(self, request, dpost_pk: int, message_pk: int):
        return Response(self._data(request, self._message(request, dpost_pk, message_pk)))

    @extend_schema(request=EditMessageSerializer,
                   responses={200: MessageSerializer, 409: MessageConflictSerializer, 428: MessageConflictSerializer})
    def patch(self, request, dpost_pk: int, message_pk: int):
        message = self._message(request, dpost_pk, message_pk)
        data = EditMessageSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        version = data.validated_data.get("version")
        if version is None:
            return Response({"detail": "Send the message's version as you read it (the \"version\" field).",
                             "current": self._data(request, message)}, status=status.HTTP_428_PRECONDITION_REQUIRED)
        try:
            message = threads.edit_message(message, by=request.user, body=data.validated_data["body"], version=version)
        except ConflictError as exc:
            current = self._message(request, dpost_pk, message_pk)
            return Response({"detail": str(exc), "current": self._data(request, current)},
                            status=status.HTTP_409_CONFLICT)
        return Response(self._data(request, self._message(request, dpost_pk, message_pk)))

    @extend_schema(request=EditMessageSerializer, operation_id="threads_messages_correct",
                   responses={200: MessageSerializer, 409: MessageConflictSerializer, 428: MessageConflictSerializer})
    def post(self, request, dpost_pk: int, message_pk: int):
        return self.patch(request, dpost_pk, message_pk)


class ThreadFile(APIView):
    """Download one file of a thread or of its tasks: always as an attachment, with nosniff."""

    permission_classes = [permissions.IsAuthenticated, HasRole]

    # Any of the accepted types (PDF, images, office documents, text), told from the file's bytes.
    @extend_schema(responses={(200, "*/*"): OpenApiTypes.BINARY})
    def get(self, request, dpost_pk: int, attachment_pk: int):
        return file_response(request.user, dpost_pk, attachment_pk)

    @extend_schema(exclude=True)
    def post(self, request, dpost_pk: int, attachment_pk: int):
        # Another post's file answers 404 whatever the method: a 405 would say that it exists.
        file_response(request.user, dpost_pk, attachment_pk).close()
        raise MethodNotAllowed("POST")
