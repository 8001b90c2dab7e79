"""A web worker, once loaded, keeps the garbage collector off what it loaded (config.startup.settle)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, sys
import config.wsgi
frozen = gc.get_freeze_count()
print(frozen, 'outreach.dashboards.views' in sys.modules, gc.isenabled())
"""


def test_the_wsgi_application_loads_every_view_and_freezes_it(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    # Production settings, as gunicorn loads them; no database is opened.
    env.update(STATE_DIR=str(tmp_path), DJANGO_DEBUG="0", SECRET_KEY="startup-test-" + "x" * 50, ALLOWED_HOSTS="x")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr
    frozen, views_loaded, collecting = result.stdout.split()
    # Django, the URL patterns and every view: tens of thousands of objects, never walked again.
    assert int(frozen) > 30_000
    assert views_loaded == "True"
    # What requests make later is still collected.
    assert collecting == "True"
