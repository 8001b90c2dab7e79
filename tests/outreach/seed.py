"""Helpers for the tests of the seed demarche: its tasks, and reply cables built from a real one."""

from tests.conftest import read_cable


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
