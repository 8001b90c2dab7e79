"""Fixtures for the demarche tests: the seed demarche, its posts' staff, and reply cables built from real ones."""

import pytest

from tests.conftest import read_cable


@pytest.fixture
def demarche(seed_cable, desk_officer):
    from outreach.services import create_demarche

    return create_demarche(seed_cable, by=desk_officer)


@pytest.fixture
def issued(demarche, desk_officer):
    from outreach.services import issue_demarche

    return issue_demarche(demarche, by=desk_officer)


@pytest.fixture
def abu_dhabi_staff(make_embassy_user):
    return make_embassy_user("ad-staff", "abu-dhabi")


@pytest.fixture
def hong_kong_staff(make_embassy_user):
    return make_embassy_user("hk-staff", "hong-kong")


def task_of(demarche, post_code: str, kind: str, audience: str = ""):
    return demarche.tasks.get(post__code=post_code, kind=kind, audience=audience)


def reply_cable_text(*, station: str = "ABU DHABI", sender: str = "", routing: str = "RUEHAD",
                     number: int = 123, ref: str = "09 STATE 4690") -> str:
    """Turn the real reply 10KUWAIT88 into a reply from another post citing another cable."""
    text = read_cable("10KUWAIT88.txt")
    text = text.replace("DE RUEHKU #0088/01 0321145", f"DE {routing} #{number:04d}/01 0201145")
    text = text.replace("P 011145Z FEB 10", "P 201145Z JAN 09")
    text = text.replace("FM AMEMBASSY KUWAIT", f"FM {sender or 'AMEMBASSY ' + station}")
    text = text.replace("C O N F I D E N T I A L KUWAIT 000088", f"C O N F I D E N T I A L {station} {number:06d}")
    start, end = text.index("REF: A. STATE 9124"), text.index("Classified By:")
    return text[:start] + f"REF: {ref}\n \n" + text[end:]


def ingest_reply(**kwargs):
    from outreach.services import receive_cable

    return receive_cable(reply_cable_text(**kwargs), filename="reply.txt")
