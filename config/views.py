from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def healthz(request):
    """Answer load balancers (and the load benchmark's baseline) without touching the database."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
@require_safe
@cache_control(max_age=86400, public=True)
def favicon(request):
    """Serve the icon at the root, where browsers ask for it whatever the page says."""
    return HttpResponse((settings.BASE_DIR / "static" / "favicon.ico").read_bytes(), content_type="image/x-icon")
