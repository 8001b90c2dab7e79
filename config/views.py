from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def healthz(request):
    """Answer load balancers (and the load benchmark's baseline) without touching the database."""
    return HttpResponse("ok", content_type="text/plain")
