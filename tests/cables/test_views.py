import pytest
from django.urls import reverse

from cables.models import Cable

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_users_to_the_login_page(client):
    response = client.get(reverse("cables:list"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_desk_officer_ingests_a_pasted_cable_and_sees_the_parse(client, desk_officer, seed_text):
    client.force_login(desk_officer)

    response = client.post(reverse("outreach:cable_ingest"), {"text": seed_text}, follow=True)

    cable = Cable.objects.get()
    assert response.status_code == 200
    assert cable.raw_text == seed_text and cable.ingested_by == desk_officer
    page = response.content.decode()
    assert "09STATE4690" in page and "created" in page
    assert "Australian MTCR Chair" in page  # the action request's exception
    assert "Kuala Lumpur" in page and "spliced" in page


def test_a_desk_officer_uploads_a_file(client, desk_officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import DATA

    client.force_login(desk_officer)
    upload = SimpleUploadedFile("10KUWAIT88.txt", (DATA / "10KUWAIT88.txt").read_bytes())

    client.post(reverse("outreach:cable_ingest"), {"file": upload})

    assert Cable.objects.get().reference_id == "10KUWAIT88"


def test_the_ingest_form_keeps_what_was_typed_when_invalid(client, desk_officer):
    client.force_login(desk_officer)

    response = client.post(reverse("outreach:cable_ingest"), {"text": "   "})

    assert response.status_code == 200
    assert "Paste a cable or choose a file." in response.content.decode()
    assert Cable.objects.count() == 0


def test_managers_read_cables_but_cannot_ingest(client, manager, seed_cable):
    client.force_login(manager)

    assert client.get(reverse("cables:list")).status_code == 200
    assert client.get(seed_cable.get_absolute_url()).status_code == 200
    assert client.post(reverse("outreach:cable_ingest"), {"text": "R 161859Z JAN 09"}).status_code == 403
    assert Cable.objects.count() == 1


def test_embassy_staff_cannot_read_whole_cables(client, make_embassy_user, seed_cable):
    client.force_login(make_embassy_user("ad", "abu-dhabi"))

    assert client.get(reverse("cables:list")).status_code == 403
    assert client.get(seed_cable.get_absolute_url()).status_code == 403


@pytest.mark.parametrize("query", ["09STATE4690", "09 STATE 4690", "MTCRE", "canberra mtcr plenary"])
def test_the_list_finds_cables_by_id_tag_and_subject(client, desk_officer, seed_cable, query):
    client.force_login(desk_officer)

    response = client.get(reverse("cables:list"), {"q": query})

    assert seed_cable.reference_id in response.content.decode()


def test_the_list_leaves_out_what_does_not_match(client, desk_officer, seed_cable):
    client.force_login(desk_officer)

    response = client.get(reverse("cables:list"), {"q": "NOSUCHTAG"})

    assert "09STATE4690" not in response.content.decode()
