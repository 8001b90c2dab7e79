"""Exports never become formulas (OWASP CSV injection), speak words, and write dates as dates."""

import csv
import io
from datetime import date, datetime

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from outreach.dashboards.exports import FORMULA_START, csv_cell, safe_text
from outreach.models import Demarche, PostTask

from .dashboard_world import build_world

pytestmark = pytest.mark.django_db
PAYLOADS = ['=HYPERLINK("http://evil.example/";"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)", "\tTab", "\rCR"]


@pytest.fixture
def hostile_world(desk_officer):
    today = timezone.localdate()
    world = build_world(desk_officer, today=today)
    Demarche.objects.filter(reference_id="09STATE4690").update(subject=PAYLOADS[0])
    Demarche.objects.filter(reference_id="10STATE284").update(subject=PAYLOADS[5])
    world.posts["t-paris"].__class__.objects.filter(code="t-paris").update(name=PAYLOADS[3])
    world.posts["t-nairobi"].__class__.objects.filter(code="t-nairobi").update(name=PAYLOADS[1])
    PostTask.objects.filter(post__code="t-abu-dhabi", kind="report_back").update(response_text=PAYLOADS[2])
    PostTask.objects.filter(audience="Macau").update(audience=PAYLOADS[4])
    return world


def every_export():
    """(url, params) of every table's export on every page that offers one."""
    yield reverse("outreach:demarche_list"), {}  # the desk's list: its own view, the dashboards' table
    yield reverse("outreach:dash_demarches"), {"state": ""}
    yield reverse("outreach:dash_demarche", args=["09STATE4690"]), {}
    for code in ("t-paris", "t-hong-kong", "t-abu-dhabi"):
        yield reverse("outreach:dash_post", args=[code]), {"show": ""}
    for name in ("regions", "slowest", "overdue", "unacknowledged"):
        yield reverse("outreach:dash_overview"), {"_table": name, "period": "365"}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))


def is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def test_no_exported_cell_can_become_a_formula(client, hostile_world, manager):
    client.force_login(manager)
    seen = set()
    for url, params in every_export():
        response = client.get(url, {**params, "_export": "csv"})
        assert response.status_code == 200, url
        for row in csv_rows(response):
            for cell in row:
                seen.update(p for p in PAYLOADS if p in cell)
                assert not cell.startswith(FORMULA_START) or is_number(cell), (url, cell)
        response = client.get(url, {**params, "_export": "xlsx"})
        assert response.status_code == 200, url
        for row in openpyxl.load_workbook(io.BytesIO(response.getvalue())).active.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (url, cell.value)
                if isinstance(cell.value, str):
                    seen.update(p for p in PAYLOADS if p in cell.value)
                    assert not cell.value.startswith(FORMULA_START), (url, cell.value)
    assert seen == set(PAYLOADS)  # every payload reached an export, and came out quoted


def test_the_payload_keeps_its_text_behind_the_quote(client, hostile_world, manager):
    client.force_login(manager)
    rows = csv_rows(client.get(reverse("outreach:dash_demarches"), {"state": "", "_export": "csv"}))

    assert ["'" + PAYLOADS[0]] == [r[1] for r in rows if r[0] == "09STATE4690"]


def test_exports_speak_words_and_write_dates_as_dates(client, hostile_world, manager):
    client.force_login(manager)
    url = reverse("outreach:dash_post", args=["t-hong-kong"])
    rows = csv_rows(client.get(url, {"show": "", "_export": "csv"}))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"show": "", "_export": "xlsx"}).getvalue())).active
    header = rows[0]

    kinds = {r[header.index("Task")] for r in rows[1:]}
    statuses = {r[header.index("Status")] for r in rows[1:]}
    assert kinds <= {"Deliver the non-paper", "Make the talking points", "Report back", "Special instruction"}
    assert statuses <= {"Open", "Done", "Overdue", "Not delivered", "Cancelled"} and statuses
    assert all(date.fromisoformat(r[header.index("Due")]) for r in rows[1:])
    due = [row[header.index("Due")].value for row in sheet.iter_rows(min_row=2)]
    assert due and all(isinstance(v, datetime) for v in due)  # openpyxl reads date cells as datetimes


def test_a_time_is_iso_without_microseconds_and_numbers_stay_numbers():
    at = datetime(2026, 12, 7, 9, 30, 15, 123456, tzinfo=timezone.get_current_timezone())

    assert csv_cell(at) == "2026-12-07T09:30:15"
    assert csv_cell(-3) == -3 and csv_cell(12.5) == 12.5
    assert safe_text("-3") == "'-3" and safe_text("Paris") == "Paris"


def test_the_demarche_list_reports_percentages_with_their_unit(client, hostile_world, manager):
    client.force_login(manager)
    header = csv_rows(client.get(reverse("outreach:dash_demarches"), {"_export": "csv"}))[0]

    assert "Delivered (%)" in header and "Reported (%)" in header


def test_the_demarche_list_page_exports_csv_and_xlsx(client, hostile_world, manager):
    client.force_login(manager)
    url = reverse("outreach:demarche_list")

    rows = csv_rows(client.get(url, {"_export": "csv"}))
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx"}).getvalue())).active

    assert {r[0] for r in rows[1:]} == set(Demarche.objects.values_list("reference_id", flat=True))
    assert sheet.max_row == len(rows) and "_export=csv" in client.get(url).content.decode()
    assert all(not c.startswith(FORMULA_START) or is_number(c) for r in rows for c in r)
