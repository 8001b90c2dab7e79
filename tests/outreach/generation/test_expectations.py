"""Every real action request gives each post the tasks expectations.py says it must (read from the cables)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from outreach.models import Demarche, PostTask
from outreach.services import create_demarche, draft_flags
from tests.outreach.generation.expectations import CASES, Case, Members

KINDS = {PostTask.Kind.DELIVER_NON_PAPER: "deliver", PostTask.Kind.SPECIAL: "special",
         PostTask.Kind.TALKING_POINTS: "points", PostTask.Kind.REPORT_BACK: "report"}


def _params():
    for case in CASES:
        marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
        yield pytest.param(case, id=f"{case.cable.split('/')[-1][:-4]}: {case.note}", marks=marks)


def _expected_due(due, today: date) -> date:
    if due is None:
        return today + timedelta(days=14)
    if isinstance(due, str):
        return date.fromisoformat(due)
    unit, days = due
    if unit == "days":
        return today + timedelta(days=days)
    current = today
    while days:
        current += timedelta(days=1)
        days -= current.isoweekday() < 6
    return current


def _describe(task: PostTask) -> tuple:
    """The task as the expectations speak of it."""
    if task.kind == PostTask.Kind.TALKING_POINTS and task.needs_attention:
        return ("flagged_points",)
    return (KINDS[task.kind],)


def _check_task(task: PostTask, want, where: str) -> None:
    assert _describe(task)[0] == want.kind, f"{where}: {task.kind} {task.instruction[:80]!r}"
    if want.kind == "deliver":
        assert f"paragraph {want.paragraph}" in task.instruction, where
        assert task.text_kind == want.text_kind, where
        if want.marking is not None:
            assert task.marking == want.marking, where
        assert task.text.strip(), f"{where}: the task carries the text to hand over"
    if want.kind == "points":
        got = [(s["paragraph"], s["marking"], s["conditional"]) for s in task.sections if not s["background"]]
        expected = [(s[0], s[1], len(s) > 2) for s in want.sections]
        assert [g[0] for g in got] == [e[0] for e in expected], where
        assert [g[2] for g in got] == [e[2] for e in expected], where
        assert [g[1] for g in got] == [e[1] if e[1] != "*" else g[1] for g, e in zip(got, expected)], where
        assert task.talking_points and not task.needs_attention, where
    if want.kind in {"points", "report"}:
        got_bg = [(s["paragraph"], s["marking"]) for s in task.sections if s["background"]]
        assert got_bg == list(want.background), where
        for section in task.sections:
            if section["background"]:
                assert section["releasable_to"] == [], f"{where}: background is never releasable"
    for words in want.contains:
        assert words.lower() in task.instruction.lower(), f"{where}: {words!r} not in {task.instruction[:300]!r}"


@pytest.mark.parametrize("case", list(_params()))
def test_the_generator_meets_the_expectation(db, desk_officer, case: Case):
    from cables.models import Collective
    from cables.services import ingest_cable
    from tests.conftest import read_cable

    cable = ingest_cable(read_cable(case.cable), filename=case.cable.split("/")[-1]).cable
    if not case.demarche:
        with pytest.raises(ValidationError):
            create_demarche(cable, by=desk_officer)
        assert not Demarche.objects.exists()
        return
    today = timezone.localdate()
    demarche = create_demarche(cable, by=desk_officer)
    posts = set(demarche.posts.values_list("post__code", flat=True))
    if isinstance(case.posts, Members):
        members = set(Collective.objects.get(key=case.posts.key).members.values_list("code", flat=True))
        assert posts == members | set(case.posts.plus)
    elif case.posts is not None:
        assert posts == set(case.posts)
    for code in case.untasked:
        assert not demarche.tasks.filter(post__code=code).exists(), code
    for code, wanted in case.tasks.items():
        tasks = list(demarche.tasks.filter(post__code=code, audience="").order_by("position"))
        assert [_describe(t)[0] for t in tasks] == [w.kind for w in wanted], code
        for task, want in zip(tasks, wanted):
            _check_task(task, want, f"{code} {want.kind}")
    report_by = _expected_due(case.due, today)
    assert demarche.report_by == report_by
    assert set(demarche.tasks.filter(kind=PostTask.Kind.REPORT_BACK).values_list("due", flat=True)) <= {report_by}
    assert set(demarche.tasks.exclude(kind=PostTask.Kind.REPORT_BACK).values_list("due", flat=True)) <= {
        min(today + timedelta(days=7), report_by)}
    if case.due is None:
        assert demarche.report_by_source == ""
    else:
        assert case.source in demarche.report_by_source
    flags = " ".join(draft_flags(demarche))
    for words in case.flags:
        assert words in flags, f"{words!r} not in {flags[:600]!r}"
