import time

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from outreach.broker import ping_broker

from . import replica


@login_not_required
@require_safe
def healthz(request):
    """Answer load balancers (and the load benchmark's baseline) without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
@never_cache
def ready(request):
    """For a load balancer or an operator: can this node serve? The primary and Redis must answer (else 503);
    the replica is reported with its lag, and whether dashboards read from it or from the primary."""
    checks = {"primary": _primary(), "replica": _replica(), "redis": _timed(ping_broker, timeout=1.0)}
    ok = checks["primary"]["ok"] and checks["redis"]["ok"]
    return JsonResponse({"ok": ok, **checks}, status=200 if ok else 503)


def _timed(check, **kwargs) -> dict:
    began = time.monotonic()
    ok = check(**kwargs)
    return {"ok": ok, "ms": round((time.monotonic() - began) * 1000, 1)}


def _primary() -> dict:
    def answers() -> bool:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT 1")
            return True
        except DatabaseError:
            connections["default"].close()
            return False

    return _timed(answers)


def _replica() -> dict:
    if not replica.configured():
        return {"configured": False, "reads": "primary"}
    return {"configured": True, **replica.breaker.check()}


@login_not_required
@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Serve the icon at the root, where browsers ask for it whatever the page says."""
    return HttpResponse((settings.BASE_DIR / "static" / "favicon.ico").read_bytes(), content_type="image/x-icon")
