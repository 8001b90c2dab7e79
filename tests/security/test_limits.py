"""Bad input: oversize cables are refused with a reason; odd bytes are kept byte for byte."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from cables.models import Cable

TEN_MB = 10 * 1024 * 1024


def big_text(size: int) -> str:
    line = "1. (U) This paragraph repeats until the cable is far too large to be a cable.\n"
    return (line * (size // len(line) + 1))[:size]


@pytest.fixture
def desk_client(client, desk_officer):
    client.force_login(desk_officer)
    return client


@pytest.mark.django_db
def test_it_refuses_a_10mb_pasted_cable_with_a_page_that_says_why(desk_client):
    response = desk_client.post("/cables/ingest/", {"text": big_text(TEN_MB)})
    assert response.status_code == 413
    page = response.content.decode()
    assert "too large to be a cable" in page
    assert "at most 5 MB" in page and "10.0 MB" in page
    assert Cable.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_10mb_urlencoded_post_the_same_way(desk_client):
    from urllib.parse import urlencode

    data = urlencode({"text": big_text(TEN_MB)})
    response = desk_client.post("/cables/ingest/", data, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "too large to be a cable" in response.content.decode()
    assert Cable.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_10mb_uploaded_file_with_a_form_error(desk_client):
    upload = SimpleUploadedFile("09STATE4690.txt", big_text(TEN_MB).encode(), content_type="text/plain")
    response = desk_client.post("/cables/ingest/", {"file": upload})
    assert response.status_code == 200
    assert "The file is 10.0 MB; a cable may be at most 5 MB." in response.content.decode()
    assert Cable.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_pasted_text_just_over_the_limit_with_a_form_error(desk_client):
    text = big_text(settings.CABLE_MAX_BYTES + 1000)  # under the request limit, over the cable limit
    response = desk_client.post("/cables/ingest/", {"text": text})
    assert response.status_code == 200
    assert "a cable may be at most 5 MB" in response.content.decode()
    assert Cable.objects.count() == 0


@pytest.mark.django_db
def test_the_command_refuses_a_10mb_file_with_its_reason(tmp_path):
    path = tmp_path / "09STATE4690.txt"
    path.write_text(big_text(TEN_MB))
    out = StringIO()
    call_command("ingest_cable", str(path), stdout=out, stderr=StringIO())
    assert "failed: 10.0 MB is over the 5 MB limit for a cable" in out.getvalue()
    assert Cable.objects.count() == 0


ODD_INPUTS = {
    "latin-1": "Caf\xe9 cr\xe8me at the Minist\xe8re".encode("latin-1"),
    "invalid utf-8": b"1. (C) Bytes \xff\xfe\xfa and a lone \xc3 in the text.\n",
    "nul bytes": b"1. (C) A NUL \x00 in the middle\x00 and at the end\x00",
    "utf-8 bom and crlf": "\ufeffSUBJECT: ok\r\n1. (U) caf\u00e9\r\n".encode("utf-8"),
    "utf-16": "SUBJECT: sixteen bits".encode("utf-16"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ODD_INPUTS)
def test_odd_bytes_survive_the_service_byte_for_byte(seed_text, name):
    from cables.services import ingest_cable

    data = seed_text.encode() + b"\n" + ODD_INPUTS[name]
    cable = ingest_cable(data, filename="09STATE4690.txt").cable
    cable.refresh_from_db()
    assert cable.as_received() == data
    assert "\x00" not in cable.raw_text  # PostgreSQL text cannot hold it; raw_bytes does


@pytest.mark.django_db
@pytest.mark.parametrize("name", ODD_INPUTS)
def test_odd_bytes_survive_the_web_upload_byte_for_byte(desk_client, name):
    data = b"SUBJECT: an odd upload\n" + ODD_INPUTS[name]
    upload = SimpleUploadedFile("odd.txt", data, content_type="application/octet-stream")
    response = desk_client.post("/cables/ingest/", {"file": upload})
    assert response.status_code == 302
    assert Cable.objects.get().as_received() == data
    assert desk_client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_odd_bytes_survive_the_command_byte_for_byte(tmp_path):
    data = b"".join(ODD_INPUTS.values())
    path = tmp_path / "odd.txt"
    path.write_bytes(data)
    call_command("ingest_cable", str(path), stdout=StringIO(), stderr=StringIO())
    assert Cable.objects.get().as_received() == data


@pytest.mark.django_db
def test_pasted_text_with_a_nul_is_refused_with_a_form_error(desk_client):
    """A browser cannot paste a NUL; whoever sends one is told to upload the file instead."""
    response = desk_client.post("/cables/ingest/", {"text": "SUBJECT: pasted\n1. (U) a NUL \x00 here"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert Cable.objects.count() == 0


@pytest.mark.parametrize("url", [
    "/dashboards/demarches/09STATE%004690/", "/demarches/%00/", "/cables/?q=%00", "/api/demarches/?state=%00",
])
def test_a_nul_in_the_url_is_a_bad_request_not_a_server_error(client, desk_officer, url):
    client.force_login(desk_officer)

    assert client.get(url).status_code == 400
