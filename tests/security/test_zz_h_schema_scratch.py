import json
import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

@pytest.mark.django_db
def test_probe(world):
    from outreach.models import PostTask
    desk = world.users["desk"]
    c = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=desk).key}")
    tid = world.tasks_by_post["abu-dhabi"][0]
    t = PostTask.objects.get(pk=tid)
    print("kind", t.kind, t.version)
    probes = [
        ("post", "/api/cables/", '{"text": "\\ud800abc", "filename": "x.txt"}', "application/json"),
        ("post", "/api/cables/", '{"text": "abc", "filename": "\\ud800.txt"}', "application/json"),
        ("post", "/api/cables/", b'text=\xff\xfe&filename=a', "application/x-www-form-urlencoded"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "not_delivered", "reason": "\\udc00 x"}', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "done", "delivered_on": "0001-01-01", "method": "meeting", "officials": [{"name": "\\ud800"}]}', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "done", "delivered_on": "9999-12-31", "method": "meeting", "version": 99999999999999999999999}', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "done", "delivered_on": "9999-12-31", "method": "meeting", "requested_level": "' + "x"*5000 + '"}', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "open", "reason": "x"}', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '[1,2]', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "done", "officials": "abc", "delivered_on": "2026-01-01", "method": "note"}', "application/json"),
        ("patch", f"/api/tasks/{tid}/", '{"status": "done", "officials": [1], "delivered_on": "2026-01-01", "method": "note"}', "application/json"),
        ("get", "/api/tasks/99999999999999999999999/", None, None),
        ("get", "/api/demarches/?state=%00", None, None),
        ("get", "/api/demarches/%00/", None, None),
        ("get", "/api/posts/abu-dhabi/tasks/?status=%00", None, None),
        ("get", "/api/posts/abu-dhabi/tasks/?status=\ud800", None, None),
        ("get", "/api/demarches/?page=99999999999999999999999", None, None),
    ]
    for method, url, body, ctype in probes:
        kw = {"content_type": ctype} if ctype else {}
        r = getattr(c, method)(url, body, **kw) if body is not None else getattr(c, method)(url)
        print(r.status_code, method, url, (body or "")[:80] if isinstance(body, str) else body, r.content[:150])
