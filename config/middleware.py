"""Request guards that belong to no app: NUL bytes, oversize bodies, and the client address behind proxies."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest
from django.shortcuts import render


class RejectNulMiddleware:
    """Refuse a NUL in the path or query string: no page means it, and PostgreSQL cannot store or compare it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", "") or "\x00" in str(request.GET):
            return HttpResponseBadRequest("Bad request: a NUL character is not allowed in a URL.")
        return self.get_response(request)


class RequestTooLargeMiddleware:
    """Answer a form post over DATA_UPLOAD_MAX_MEMORY_SIZE with a page that says why, not a bare 400."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            try:
                request.POST  # parsed once here; the CSRF check and the view reuse it
            except RequestDataTooBig:
                return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request):
        size = int(request.META.get("CONTENT_LENGTH") or 0)
        context = {
            "size_mb": f"{size / 1_048_576:.1f}",
            "limit_mb": f"{settings.CABLE_MAX_BYTES / 1_048_576:.0f}",
            "back": request.path,
        }
        return render(request, "413.html", context, status=413)


def client_ip(request) -> str:
    """Return the client's address, trusting only as many X-Forwarded-For hops as TRUSTED_PROXY_COUNT."""
    hops = settings.TRUSTED_PROXY_COUNT
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")
