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
