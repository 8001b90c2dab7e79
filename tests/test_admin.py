import pytest
from django.apps import apps
from django.contrib import admin


@pytest.mark.parametrize("app_label", ["cables", "outreach"])
def test_every_model_has_an_admin(app_label):
    missing = [m.__name__ for m in apps.get_app_config(app_label).get_models() if not admin.site.is_registered(m)]

    assert missing == []


@pytest.mark.django_db
def test_the_admin_pages_open_for_a_superuser(client, django_user_model, seed_cable):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))

    for model in [*apps.get_app_config("cables").get_models(), *apps.get_app_config("outreach").get_models()]:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_an_admin_edit_leaves_history_and_cannot_touch_the_workflow(client, django_user_model, seed_cable,
                                                                    desk_officer):
    from django.forms.models import model_to_dict

    from outreach.models import PostTask
    from outreach.services import create_demarche

    root = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    task = create_demarche(seed_cable, by=desk_officer).tasks.order_by("pk").first()
    url = f"/admin/outreach/posttask/{task.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in model_to_dict(task, fields=form.fields).items() if value is not None}
    data.update(instruction="Deliver it in person.", status="done", due="2030-01-01",
                talking_points="[]", officials="[]", releasable_to="[]")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    task_after = PostTask.objects.get(pk=task.pk)
    assert task_after.instruction == "Deliver it in person."
    assert (task_after.status, task_after.due) == (task.status, task.due)  # read-only: the services own them
    assert task_after.version == task.version + 1
    event = task_after.events.get(action="edited_in_admin")
    assert event.actor == root and event.changes["instruction"][1] == "Deliver it in person."
