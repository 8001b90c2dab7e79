# Run by bench/cluster.py in `manage.py shell` on the primary: the rehearsal's
# users and sessions, and the reminders it expects. Prints one JSON line.
import json
import os
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from outreach.models import Demarche, PostTask

LOAD_POSTS = int(os.environ.get("REHEARSAL_LOAD_POSTS", "8"))
User = get_user_model()
demarche = Demarche.objects.get(state=Demarche.State.ISSUED)  # seed_demo's
posts = sorted({task.post for task in demarche.tasks.select_related("post")}, key=lambda post: post.code)
load_posts, remind_posts = posts[:LOAD_POSTS], posts[LOAD_POSTS:]
staff_group = Group.objects.get(name="Embassy staff")


def session(user):
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the one a password login records
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


# One staff member per post, so that every reminder has a recipient.
staff = []
for post in posts:
    user, _ = User.objects.get_or_create(
        username=f"staff-{post.code}", defaults={"email": f"staff-{post.code}@rehearsal.example"}
    )
    user.groups.add(staff_group)
    post.staff.add(user)
    if post in load_posts:
        tasks = list(demarche.tasks.filter(post=post).order_by("pk").values_list("pk", flat=True))
        staff.append({"session": session(user), "tasks": tasks})
# The other posts' open tasks are four days overdue: their reminders are the ones due. The load's posts
# keep their due dates (a week and more ahead), so no delivery changes which reminders are due.
overdue = timezone.localdate() - timedelta(days=4)
PostTask.objects.filter(demarche=demarche, post__in=remind_posts).open().update(due=overdue)
manager, desk = User.objects.get(username="manager"), User.objects.get(username="desk")
print(json.dumps({
    "staff": staff,
    "managers": [session(manager), session(manager)],
    "desk": session(desk),
    "reference": demarche.reference_id,
    "posts": [post.code for post in posts],
}))
