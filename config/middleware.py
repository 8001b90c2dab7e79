"""Request guards that belong to no app: NUL bytes, oversize bodies, and the client address behind proxies."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.shortcuts import render


class RejectNulMiddleware:
    """Refuse a query string no page means: a NUL (PostgreSQL cannot store or compare it), or more
    parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS. The API is answered in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            nul = "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or "\x00" in str(request.GET)
        except TooManyFieldsSent:
            return bad_request(request, "Too many query parameters.")
        if nul:
            return bad_request(request, "A NUL character is not allowed in a URL.")
        return self.get_response(request)


def bad_request(request, reason: str):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": reason}, status=400)
    return HttpResponseBadRequest(f"Bad request: {reason}")


class RequestTooLargeMiddleware:
    """Answer a body over DATA_UPLOAD_MAX_MEMORY_SIZE with 413 and why: a page, or JSON for the API.

    Django alone answers a bare 400, and DRF reads a JSON body whole without any limit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path.startswith("/api/")
        # API bodies are JSON or form data, never file uploads: their declared length is the limit.
        if is_api and _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return self.refuse(request)
        # A file upload's bytes are not in DATA_UPLOAD_MAX_MEMORY_SIZE; a body no post's file quota could hold is
        # refused before Django spools it to disk.
        if request.method == "POST" and _declared_length(request) > settings.ATTACHMENT_MAX_PER_POST + 1024 * 1024:
            return self.refuse(request, files=True)
        if request.method == "POST":
            try:
                request.POST  # parsed once here; the CSRF check and the view reuse it
            except RequestDataTooBig:
                return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request, *, files: bool = False):
        size, limit = _declared_length(request), settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": f"The request body is {size / 1_048_576:.1f} MB; the limit is "
                           f"{limit / 1_048_576:.0f} MB (a cable may be at most "
                           f"{settings.CABLE_MAX_BYTES / 1_048_576:.0f} MB)."},
                status=413,
            )
        # The "go back" link is a fixed page: the request path is the sender's to choose
        # (POST //evil.example/.. once became <a href="//evil.example/..">).
        context = {"size_mb": f"{size / 1_048_576:.1f}", "limit_mb": f"{settings.CABLE_MAX_BYTES / 1_048_576:.0f}",
                   "form_mb": f"{limit / 1_048_576:.0f}", "cable": request.path.startswith("/cables/")}
        if files:
            context.update(files=True, file_mb=f"{settings.ATTACHMENT_MAX_BYTES / 1_048_576:.0f}",
                           post_mb=f"{settings.ATTACHMENT_MAX_PER_POST / 1_048_576:.0f}")
        return render(request, "413.html", context, status=413)


def _declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def client_ip(request) -> str:
    """Return the client's address, trusting only as many X-Forwarded-For hops as TRUSTED_PROXY_COUNT."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
