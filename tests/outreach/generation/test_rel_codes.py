"""REL markings name hosts by two-letter codes, FIPS 10-4 mixed with ISO: "REL AS, CA, FR, GM, IS, IT, JP, ROK,
and UK" (08STATE1265) is Australia, Canada, France, Germany, Israel, Italy, Japan, South Korea and the UK."""

from __future__ import annotations

from cables.postdata import get, resolve_releasability
from outreach.models import PostTask
from outreach.services import redact_for
from tests.outreach.generation.test_sections_and_pages import _demarche_of
from tests.outreach.seed import task_of

K = PostTask.Kind


def test_two_letter_codes_in_a_rel_marking_are_fips_first_then_iso():
    codes = {code: resolve_releasability(code, codes=True).code for code in "AS CA FR GM IS IT JP ROK UK".split()}
    assert codes == {"AS": "canberra", "CA": "ottawa", "FR": "paris", "GM": "berlin", "IS": "tel-aviv",
                     "IT": "rome", "JP": "tokyo", "ROK": "seoul", "UK": "london"}  # JP is ISO (FIPS: JA)
    # where FIPS and ISO disagree, FIPS wins: these are US cables
    assert [resolve_releasability(c, codes=True).code for c in ("CH", "AU", "IC", "SZ")] == [
        "beijing", "vienna", "reykjavik", "bern"]
    assert resolve_releasability("GM") is None  # in prose "GM" is no country; only REL markings carry codes
    assert resolve_releasability("US", codes=True) is None


def test_staff_of_each_host_a_fips_code_names_see_the_points_and_no_other(db, desk_officer, make_embassy_user):
    demarche = _demarche_of("state/08STATE1265.txt", desk_officer)
    for code in ("berlin", "canberra", "tel-aviv", "tokyo"):
        task = task_of(demarche, code, K.TALKING_POINTS)
        [seen] = redact_for(make_embassy_user(f"{code}-staff", code), [PostTask.objects.get(pk=task.pk)])
        assert seen.talking_points and not seen.points_withheld, code
        general = [s for s in seen.sections if s["marking"] == "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK"]
        assert general and not any(s["withheld"] for s in general), code
    # Iceland is IC in FIPS: "IS" (ISO Iceland) releases nothing to Reykjavik
    task = task_of(demarche, "tel-aviv", K.TALKING_POINTS)
    iceland = PostTask(post=get_post("reykjavik"), sections=[dict(s) for s in task.sections])
    [seen] = redact_for(make_embassy_user("reykjavik-staff", "reykjavik"), [iceland])
    assert seen.points_withheld and all(s["withheld"] for s in seen.sections if not s["background"])


def get_post(code):
    from cables.models import Post

    assert get(code) is not None
    return Post.objects.get(code=code)
