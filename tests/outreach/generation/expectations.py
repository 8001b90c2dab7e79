"""What each real action request in tests/data and tests/data/state must give each post, decided by reading
the cable (not by running the generator). One Case per cable, or per aspect when the parser gets one wrong:
that Case carries `xfail` with the reason, and the test marks it xfail(strict=True).

Tasks of a post are listed in the order the demarche page shows them: deliver (one per text handed over),
special instructions, talking points, report back. A talking-points task lists its sections as
(paragraph, marking) or (paragraph, marking, "if asked") for conditional ones; background sections (for the
post's own use, never to hand over) are listed apart. `due` is the report-back date: an ISO date the cable
gives, ("business", N) / ("days", N) for "within N (business) days of receipt", or None for the default.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class T:
    kind: str  # deliver | special | points | flagged_points | report
    paragraph: int | None = None  # deliver: the text's paragraph
    marking: str | None = None  # deliver: the text's marking (None: not checked)
    text_kind: str = ""  # deliver: non-paper, letter, note, text
    sections: tuple = ()  # points: ((paragraph, marking[, "if asked"]), ...)
    background: tuple = ()  # points or report: ((paragraph, marking), ...)
    contains: tuple = ()  # words the instruction must contain


def deliver(paragraph, marking=None, text_kind="non-paper"):
    return T("deliver", paragraph=paragraph, marking=marking, text_kind=text_kind)


def special(*contains):
    return T("special", contains=contains)


def points(*sections, background=()):
    return T("points", sections=tuple(sections), background=tuple(background))


def report(*contains, background=()):
    return T("report", contains=contains, background=tuple(background))


FLAGGED = T("flagged_points")


@dataclass(frozen=True)
class Members:
    """The posts a collective's row in the Collective table holds, plus the cable's direct action posts."""

    key: str
    plus: frozenset = frozenset()


@dataclass(frozen=True)
class Case:
    cable: str
    note: str
    posts: frozenset | Members | None = None  # exactly these posts are tasked (None: not checked)
    tasks: dict = field(default_factory=dict)  # post code -> [T, ...] (exactly these tasks, in order)
    untasked: tuple = ()  # action addressees that must get no task
    due: str | tuple | None = None
    source: str = ""  # words the due date's source must contain ("paragraph 6")
    flags: tuple = ()  # words the draft's "To review" box must contain
    demarche: bool = True  # False: the cable is no action request and makes no demarche
    xfail: str = ""


def S(*codes):
    return frozenset(codes)


NATO = "all-nato-posts"
CASES = [
    # ---------------------------------------------------------------- tests/data (the curated set)
    Case("07STATE152317.txt", "two non-papers for Beijing, report by the date in para 10",
         posts=S("beijing"),
         tasks={"beijing": [deliver(8, "S/REL CHINA"), deliver(9, "S/REL CHINA"),
                            points((8, "S/REL CHINA"), (9, "S/REL CHINA")), report("Please slug all responses")]},
         due="2007-11-08", source="paragraph 10"),
    Case("08STATE103511.txt", "each post its own objectives paragraph and marking",
         posts=S("belmopan", "kyiv", "moscow", "nairobi", "riga"),
         tasks={"kyiv": [special("approach host-country officials"), points((4, "S/REL TO UKRAINE")), report()],
                "moscow": [special("approach"), points((5, "S/REL TO RUSSIA, LATVIA")), report()],
                "riga": [special("approach"), points((5, "S/REL TO RUSSIA, LATVIA")), report()],
                "belmopan": [special("approach"), points((6, "S/REL TO BELIZE")), report()],
                "nairobi": [special("approach"), points((7, "S/REL TO KENYA")), report()]},
         due="2008-09-29", source="paragraph 12"),
    Case("08STATE128877.txt", "non-paper for Riyadh, report within seven business days",
         posts=S("riyadh"), tasks={"riyadh": [deliver(5, "S//REL SAU"), report()]},
         due=("business", 7), source="paragraph 6"),
    Case("08STATE134777.txt", "objectives only: the action itself is Kabul's task",
         posts=S("kabul"), tasks={"kabul": [special("paragraph 2"), report()]},
         due="2009-01-05", source="paragraph 4"),
    Case("08STATE79112.txt", "talking points/non-paper in para 8 for seven posts, report by July 24",
         posts=S("ashgabat", "astana", "beijing", "bishkek", "dushanbe", "kabul", "tashkent"),
         tasks={code: [deliver(8, "S//REL CHINA, AFGHANISTAN, KAZAKHSTAN, KYRGYZSTAN, TAJIKISTAN, TURKMENISTAN, "
                                  "UZBEKISTAN"),
                       points((8, "S//REL AFGHANISTAN, KAZAKHSTAN, KYRGYZSTAN, TAJIKISTAN, TURKMENISTAN, "
                                  "UZBEKISTAN")),
                       report()] for code in ("bishkek", "tashkent")},
         due="2008-07-24", source="paragraph 6", flags=("paragraph numbers start again",)),
    Case("08STATE79112.txt", "para 7: bullet 1 is for Beijing only, bullet 2 for all but Beijing",
         tasks={"beijing": [deliver(8), points((8, "S//REL CHINA")), report()],
                "astana": [deliver(8), points((8, "S//REL AFGHANISTAN, KAZAKHSTAN, TAJIKISTAN")), report()]},
         due="2008-07-24", source="paragraph 6"),
    Case("08STATE90980.txt", "all diplomatic and consular posts rebut; the letters are for reference",
         posts=Members("all-diplomatic-and-consular-posts"),
         tasks={"paris": [special("rebut"), report()], "tokyo": [special("rebut"), report()]},
         flags=("tasked through its", "Confirm the post list")),
    Case("09STATE120288.txt", "an IAEA collective the table does not know: flagged, no post, report date kept",
         posts=S(), flags=("IAEA MEMBER STATES COLLECTIVE is a collective the collectives table does not know",
                           "no posts"),
         due="2009-11-25", source="paragraph 6"),
    Case("09STATE122950.txt", "talking points/non-paper for Berlin",
         posts=S("berlin"),
         tasks={"berlin": [deliver(4, "SECRET//REL GERMANY"), points((4, "SECRET//REL GERMANY")),
                           report("ISN/MTR")]},
         flags=("does not hold what it announces",)),
    Case("09STATE131801.txt", "general points of paras 5-6 and each post's own, report by January 19",
         posts=S("abu-dhabi", "islamabad", "kuwait", "riyadh"),
         tasks={"abu-dhabi": [points((5, "SBU"), (6, "SBU"), (12, "S/REL USA, ARE"), background=((11, "S/NF"),)),
                              report()],
                "islamabad": [points((5, "SBU"), (6, "SBU"), (14, "S/REL USA, PAK"), background=((13, "S/NF"),)),
                              report()]},
         due="2010-01-19", source="paragraph 16", flags=("paragraph 13 is announced as talking points",)),
    Case("09STATE131801.txt", "country points keep their own marking; S/NF country background is background",
         tasks={"riyadh": [points((5, "SBU"), (6, "SBU"), (8, "S/REL USA, SAU"), background=((7, "S/NF"),)),
                           report()],
                "kuwait": [points((5, "SBU"), (6, "SBU"), (10, "S/REL USA, KWT"), background=((9, "S/NF"),)),
                           report()]},
         untasked=("doha",), due="2010-01-19", source="paragraph 16"),
    Case("09STATE14070.txt", "Moscow's points in para 8",
         tasks={"moscow": [points((8, "S/REL TO RUSSIA")), report("ISN/CATR")]}),
    Case("09STATE14070.txt", "para 1: 'Embassy Moscow, please see paragraph 8': Caracas is info only in effect",
         posts=S("moscow"), untasked=("caracas",)),
    Case("09STATE15113.txt", "information request to all diplomatic posts: a report task listing what to report",
         posts=Members("all-diplomatic-posts", S("tripoli")),
         tasks={"tripoli": [report("Find out and report", "CI/KR")], "paris": [report("CI/KR")]},
         due="2009-03-20", source="paragraph 13", flags=("header is garbled",)),
    Case("09STATE16285.txt", "all posts convey U.S. views; UNVIE and the P5 capitals have more to do",
         posts=S("unvie-vienna", "kabul", "tirana", "algiers", "buenos-aires", "canberra", "brasilia",
                 "ouagadougou", "ottawa", "beijing", "quito", "cairo", "helsinki", "paris", "berlin", "accra",
                 "new-delhi", "baghdad", "dublin", "tokyo", "vilnius", "kuala-lumpur", "mexico-city", "wellington",
                 "manila", "bucharest", "moscow", "riyadh", "pretoria", "madrid", "bern", "ankara", "london",
                 "montevideo"),
         tasks={"accra": [special("convey U.S. views"), report()],
                "unvie-vienna": [special("convey U.S. views"), special("IAEA Secretariat"), report()],
                "london": [special("convey U.S. views"), special("P5+1 statement"), report()]}),
    Case("09STATE28302.txt", "talking points/non-paper for Ankara",
         posts=S("ankara"), tasks={"ankara": [deliver(5, "S//REL TURKEY"), points((5, "S//REL TURKEY")), report()]}),
    Case("09STATE4690.txt", "the seed: non-paper for all but Canberra, post-specific points, splice flagged",
         tasks={"abu-dhabi": [deliver(3, "SENSITIVE BUT UNCLASSIFIED/RELEASABLE TO BAHRAIN, BELARUS, CHILE, CHINA, "
                                        "CROATIA, CYPRUS, EGYPT, ESTONIA, HONG KONG, INDIA, ISRAEL, JORDAN, "
                                        "KAZAKHSTAN, KUWAIT, LATVIA, LIBYA, LITHUANIA, MACAU, MALAYSIA, MALTA, "
                                        "PAKISTAN, ROMANIA, SAUDI ARABIA, SINGAPORE, SLOVAK REPUBLIC, SLOVENIA, "
                                        "TAIWAN, THAILAND, UAE, AND ALL MTCR PARTNER COUNTRIES."),
                              points((4, "C/RELEASABLE UAE")), report()],
                "canberra": [special("Australian MTCR Chair"), report()],
                "budapest": [deliver(3), FLAGGED, report()]},
         flags=("text from another cable is spliced in", "the text is cut short", "paragraphs are missing")),
    Case("09STATE68250.txt", "talking points/non-paper for Berlin",
         posts=S("berlin"),
         tasks={"berlin": [deliver(4, "SECRET//REL GERMANY"), points((4, "SECRET//REL GERMANY")), report()]}),
    Case("09STATE72112.txt", "oral points for Sanaa, not to be left as a non-paper; para 8 (S//NF) frames the "
         "conversation: background for Sanaa (para 4, S//NF before the request, is the cable's)",
         posts=S("sanaa"), tasks={"sanaa": [points((9, "S/REL ROYG"), background=((8, "S//NF"),)), report()]}),
    Case("09STATE96222.txt", "points in para 4 may be left as a non-paper; report within seven business days",
         posts=S("paris"),
         tasks={"paris": [deliver(4, "SECRET/REL FRANCE"), points((4, "SECRET/REL FRANCE")), report()]},
         due=("business", 7), source="paragraph 5"),
    Case("09STATE96550.txt", "NATO collective and 13 posts: para 4 for all, tailored points by group",
         posts=Members(NATO, S("abu-dhabi", "beijing", "canberra", "doha", "kuwait", "manama", "moscow", "muscat",
                               "new-delhi", "riyadh", "seoul", "tel-aviv", "tokyo")),
         tasks={"usnato": [deliver(4, "U"), points((4, "U"), (5, "S/REL NATO")), report()],
                "berlin": [deliver(4, "U"), points((4, "U"), (5, "S/REL NATO")), report()],
                "tokyo": [deliver(4, "U"), points((4, "U"), (7, "C/REL JAPAN"), (7, "C/REL JAPAN", "if asked")),
                          report()],
                "moscow": [deliver(4, "U"), points((4, "U"), (6, "C/REL RUSSIA")), report()],
                "kuwait": [deliver(4, "U"), points((4, "U"), (8, "U")), report()],
                "canberra": [deliver(4, "U"), points((4, "U")), report()]},
         flags=("tasked through its", "Confirm the post list", "Warsaw is excluded from paragraphs 5, 6, 7 and 8 only")),
    Case("09STATE96550.txt", "Warsaw and Prague still deliver para 4; only para 5 is not theirs",
         tasks={"warsaw": [deliver(4, "U"), points((4, "U")), report()],
                "prague": [deliver(4, "U"), points((4, "U")), report()]},
         flags=("Prague is excluded from paragraphs 5, 6, 7 and 8 only",)),
    Case("10STATE10900.txt", "talking points/non-paper for Beijing",
         posts=S("beijing"),
         tasks={"beijing": [deliver(5, "SECRET//REL CHINA"), points((5, "SECRET//REL CHINA")), report()]}),
    Case("10STATE15856.txt", "objectives and talking points/non-paper for Ankara",
         posts=S("ankara"), tasks={"ankara": [deliver(8, "S//REL TURKEY"), points((8, "S//REL TURKEY")), report()]}),
    Case("10STATE16932.txt", "talking points/non-paper for Beijing",
         posts=S("beijing"),
         tasks={"beijing": [deliver(4, "SECRET//REL CHINA"), points((4, "SECRET//REL CHINA")), report()]}),
    Case("10STATE17894.txt", "six posts share the releasable text verbatim; Turkey's own point; report by March 3",
         posts=S("amman", "ankara", "doha", "london", "paris", "riyadh"),
         tasks={"paris": [deliver(4, text_kind="text"), report()],
                "ankara": [deliver(4, text_kind="text"), special("Turkey"), report()]},
         due="2010-03-03", source="paragraph 5"),
    Case("10STATE17894.txt", "the releasable text is marked S/REL ... in para 4",
         tasks={"paris": [deliver(4, "S/REL FRANCE, BRITAIN, TURKEY, SAUDI ARABIA, JORDAN, QATAR", "text"), report()]},
         due="2010-03-03", source="paragraph 5"),
    Case("10STATE284.txt", "pol-mil dialogue: the action itself, feedback by January 8",
         posts=S("tripoli"), tasks={"tripoli": [special("agenda items"), report()]},
         due="2010-01-08", source="paragraph 6"),
    Case("10STATE4108.txt", "NATO collective and 18 partners draw on para 6, report by January 17",
         posts=Members(NATO, S("abu-dhabi", "amman", "baku", "bogota", "canberra", "dublin", "helsinki", "kyiv",
                               "sarajevo", "singapore", "skopje", "stockholm", "tbilisi", "tirana", "ulaanbaatar",
                               "vienna", "wellington", "zagreb")),
         tasks={"ulaanbaatar": [points((6, "SBU")), report()], "usnato": [points((6, "SBU")), report()]},
         due="2010-01-17", source="paragraph 5"),
    Case("10STATE9124.txt", "EU collective expanded, IAEA collective flagged; the P5 capitals only share the tenor",
         posts=Members("eu-member-states", S("useu-brussels", "sarajevo", "libreville", "kampala", "beirut",
                                             "mexico-city", "abuja", "tbilisi", "riyadh", "abu-dhabi", "muscat",
                                             "doha", "kuwait", "manama", "amman")),
         tasks={"kuwait": [points((11, "U")), report()],
                "paris": [special("general tenor"), report()],
                "london": [special("general tenor"), report()]},
         due="2010-02-03", source="paragraph 6",
         flags=("IAEA MEMBER STATES COLLECTIVE is a collective the collectives table does not know",
                "EU MEMBER STATES COLLECTIVE is tasked through its")),
    # ---------------------------------------------------------------- tests/data/state
    Case("state/01STATE176819.txt", "points for all in para 3; Six-plus-Two members and three capitals add para 4",
         posts=S("paris", "new-delhi", "moscow", "tashkent", "ankara", "berlin", "london", "islamabad", "canberra",
                 "tokyo", "rome", "beijing", "doha", "riyadh", "ashgabat", "dushanbe", "almaty", "bishkek"),
         tasks={"london": [points((3, "C")), report()], "beijing": [points((3, "C"), (4, "C")), report()],
                "tokyo": [points((3, "C"), (4, "C")), report()]}),
    Case("state/07STATE18578.txt", "seven posts demarche on Iceland's PRT team, report by February 20",
         posts=S("copenhagen", "kabul", "london", "ottawa", "reykjavik", "vilnius", "zagreb"),
         tasks={"vilnius": [points((4, "U")), report()]},
         due="2007-02-20", source="paragraph 2"),
    Case("state/08STATE1265.txt", "non-paper for China's demarche, general and capital points, 'if raised' points",
         posts=S("berlin", "canberra", "london", "ottawa", "paris", "rome", "seoul", "tel-aviv", "tokyo"),
         tasks={"berlin": [deliver(5, "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK"),
                           points((4, "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK"),
                                  (4, "S//REL AS, CA, GM, IS, IT, AND JP"),
                                  (6, "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK", "if asked")),
                           report()],
                "paris": [deliver(5), points((4, "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK"),
                                             (4, "C//REL FR AND UK"),
                                             (6, "S//REL AS, CA, FR, GM, IS, IT, JP, ROK, AND UK", "if asked")),
                          report()]}),
    Case("state/08STATE135048.txt", "points in para 6 for New Delhi",
         posts=S("new-delhi"),
         tasks={"new-delhi": [deliver(6, "SECRET//REL INDIA"), points((6, "SECRET//REL INDIA")),
                              report("SHIELD S04B-08")]}),
    Case("state/08STATE18255.txt", "points for the ROKG in para 3",
         posts=S("seoul"), tasks={"seoul": [points((3, "S/REL SOUTH KOREA")), report()]}),
    Case("state/08STATE22315.txt", "Blue Lantern check: a report task with the questions, within 30 days",
         posts=S("san-jose"),
         tasks={"san-jose": [report("Answer these questions", "How long has your company", "Blue Lantern")]},
         due=("days", 30), source="paragraph 2"),
    Case("state/08STATE23763.txt", "talking points in para 7 for New Delhi",
         posts=S("new-delhi"),
         tasks={"new-delhi": [deliver(7, "SECRET REL INDIA"), points((7, "SECRET REL INDIA")), report()]},
         flags=("header is garbled",)),
    Case("state/08STATE3800.txt", "USUN votes and makes the points of para 2; the resolution text is not handed over",
         posts=S("usun-new-york"),
         tasks={"usun-new-york": [special("vote in favor"), points((2, "")), report()]}),
    Case("state/08STATE43817.txt", "guidance for use if asked: no post is tasked", posts=S(),
         flags=("guidance",)),
    Case("state/08STATE58722.txt", "Blue Lantern check: Bogota inquires, Brasilia visits, within 45 days",
         posts=S("bogota", "brasilia"),
         tasks={"bogota": [report("Find out and report", "make inquiries")],
                "brasilia": [report("site visit")]},
         due=("days", 45), source="paragraph 2"),
    Case("state/08STATE68489.txt", "Blue Lantern pre-license check within 30 days",
         posts=S("san-jose"), tasks={"san-jose": [report("bona fides")]}, due=("days", 30), source="paragraph 2"),
    Case("state/08STATE83144.txt", "non-paper for Beijing, report within seven business days",
         posts=S("beijing"), tasks={"beijing": [deliver(5), report("ISN")]},
         due=("business", 7), source="paragraph 6", flags=("paragraph numbers jump",)),
    Case("state/08STATE83144.txt", "the non-paper's marking is S//REL CHINA ('BEGIN NON-PAPER S//REL CHINA')",
         tasks={"beijing": [deliver(5, "S//REL CHINA"), report()]},
         due=("business", 7), source="paragraph 6"),
    Case("state/08STATE93558.txt", "non-paper in para 6 for Beijing, report by September 15",
         posts=S("beijing"), tasks={"beijing": [deliver(6, "S/REL CHINA"), report()]},
         due="2008-09-15", source="paragraph 7"),
    Case("state/08STATE98975.txt", "eight allies deliver the non-paper in para 4, report within seven days",
         posts=S("bratislava", "bucharest", "ljubljana", "madrid", "prague", "rome", "sofia", "warsaw"),
         tasks={"sofia": [deliver(4, "SECRET//REL BULGARIA, CZECH REPUBLIC, ITALY, POLAND, ROMANIA, SLOVAKIA, "
                                     "SLOVENIA, SPAIN"),
                          points((4, "SECRET//REL BULGARIA, CZECH REPUBLIC, ITALY, POLAND, ROMANIA, SLOVAKIA, "
                                     "SLOVENIA, SPAIN")), report()]},
         due=("days", 7), source="paragraph 5"),
    Case("state/09STATE116029.txt", "points in para 4 for Tirana",
         posts=S("tirana"), tasks={"tirana": [points((4, "C")), report()]}),
    Case("state/09STATE118094.txt", "points for Brasilia, report by November 20",
         posts=S("brasilia"), tasks={"brasilia": [points((5, "C")), report()]},
         due="2009-11-20", source="paragraph 4"),
    Case("state/09STATE123431.txt", "talking points/non-paper for Brasilia",
         posts=S("brasilia"),
         tasks={"brasilia": [deliver(4, "SECRET//REL BRAZIL"), points((4, "SECRET//REL BRAZIL")), report()]}),
    Case("state/09STATE16716.txt", "a diplomatic note for Port of Spain",
         posts=S("port-of-spain"), tasks={"port-of-spain": [deliver(4, "U", "note"), report()]}),
    Case("state/09STATE17176.txt", "USNATO informs Allies",
         posts=S("usnato"), tasks={"usnato": [special("inform Allies"), report()]}),
    Case("state/09STATE18867.txt", "London, Tel Aviv and New Delhi only; Damascus is not asked to act",
         posts=S("london", "tel-aviv", "new-delhi"), untasked=("damascus",),
         tasks={"london": [deliver(8, "SECRET//REL INDIA, ISRAEL, UK"), special("U.S. plans"),
                           points((8, "SECRET//REL INDIA, ISRAEL, UK")), report("SHIELD S04D-08")],
                "new-delhi": [deliver(8, "SECRET//REL INDIA, ISRAEL, UK"), special("coordinate"),
                              points((8, "SECRET//REL INDIA, ISRAEL, UK")), report()]},
         flags=("Damascus is an action addressee the request does not name",)),
    Case("state/09STATE2552.txt", "UNVIE: non-paper and points; the media note and press guidance stay home",
         posts=S("unvie-vienna"),
         tasks={"unvie-vienna": [deliver(5, "U"), points((4, "SECRET/REL IAEA")), report()]},
         due=("business", 10), source="paragraph 8"),
    Case("state/09STATE3943.txt", "talking points/non-paper for Beijing, report within five business days",
         posts=S("beijing"),
         tasks={"beijing": [deliver(5, "S//REL CHINA"), points((5, "S//REL CHINA")), report()]},
         due=("business", 5), source="paragraph 6"),
    Case("state/09STATE50240.txt", "the response to the MFA's note, delivered as written",
         posts=S("panama-city"), tasks={"panama-city": [deliver(2, "SBU", "text"), report()]}),
    Case("state/09STATE52348.txt", "nonpaper for three posts, each its own objective, within seven business days; "
         "paras 4-5 (S//NF) are 'for information purposes': background",
         posts=S("berlin", "london", "valletta"),
         tasks={"valletta": [deliver(6, "S//REL MLT, GBR, AND GER"), special("law firms"),
                             points((6, "S//REL MLT, GBR, AND GER"), background=((4, "S//NF"), (5, "S//NF"))),
                             report()]},
         due=("business", 7), source="paragraph 7"),
    Case("state/09STATE57530.txt", "Blue Lantern post-shipment check: questions for the GOM, within 45 days",
         posts=S("mexico-city"),
         tasks={"mexico-city": [report("Answer these questions", "1,030 AR-15")]},
         due=("days", 45), source="paragraph 2"),
    Case("state/09STATE60599.txt", "TIP report: the country narrative and the non-paper for Chile",
         posts=S("santiago"),
         tasks={"santiago": [deliver(8, "", "text"), deliver(9, ""), points((9, "")), report()]}),
    Case("state/09STATE60608.txt", "TIP report: the country narrative and the non-paper for Iceland",
         posts=S("reykjavik"),
         tasks={"reykjavik": [deliver(8, "", "text"), deliver(9, ""), points((9, "")), report()]}),
    Case("state/09STATE67207.txt", "Australia Group: points for all plus each member's own; Canberra's note",
         posts=Members("australia-group", S("zagreb", "kyiv")),
         tasks={"canberra": [special("paragraphs 5 and 6"),
                             points((5, "CONFIDENTIAL//REL AUSTRALIA GROUP"), (6, "SECRET//REL AUSTRALIA GROUP")),
                             report("AUSTRALIA GROUP")],
                "berlin": [points((5, "CONFIDENTIAL//REL AUSTRALIA GROUP"), (10, "S")), report()],
                "oslo": [points((5, "CONFIDENTIAL//REL AUSTRALIA GROUP"), (13, "CONFIDENTIAL//AUSTRALIA GROUP")),
                         report()],
                "zagreb": [points((5, "CONFIDENTIAL//REL AUSTRALIA GROUP")), report()]},
         due="2009-07-13", source="paragraph 4", flags=("tasked through its",)),
    Case("state/09STATE85122.txt", "listening campaign: points and if-asked points in para 10",
         posts=S("brasilia", "buenos-aires", "cairo", "kuala-lumpur", "pretoria"), untasked=("new-delhi",),
         tasks={"cairo": [points((10, "SBU"), (10, "SBU", "if asked")), report()]}),
    Case("state/09STATE86640.txt", "points for the Foreign Minister of Libya",
         posts=S("tripoli"), tasks={"tripoli": [points((2, "S/REL LIBYA")), report()]}),
    Case("state/09STATE86845.txt", "Blue Lantern post-shipment check within 45 days",
         posts=S("mexico-city"), tasks={"mexico-city": [report("verify")]}, due=("days", 45), source="paragraph 2"),
    Case("state/09STATE99488.txt", "broker inquiry: questions to answer; the points are guidance for the post",
         posts=S("bogota"),
         tasks={"bogota": [report("Answer these questions", "brokering firm", background=((4, ""),))]},
         due=("days", 60), source="paragraph 3"),
    Case("state/10STATE1168.txt", "a draft note for Santo Domingo; the host's reply text is not handed over",
         posts=S("santo-domingo"), tasks={"santo-domingo": [deliver(3, "U", "note"), report()]}),
    Case("state/10STATE1515.txt", "Blue Lantern inquiry within 45 days",
         posts=S("san-jose"), tasks={"san-jose": [report("demilitarized")]}, due=("days", 45), source="paragraph 2"),
    Case("state/10STATE16220.txt", "IRISL nonpaper for every post; extra points only for the posts named",
         posts=Members("all-diplomatic-and-consular-posts", S("conakry", "tripoli", "port-au-prince")),
         tasks={"conakry": [deliver(7, "U"), report()],
                "tripoli": [deliver(7, "U"), points((6, "SBU")), report()],
                "singapore": [deliver(7, "U"), points((6, "SBU"), (6, "SBU")), report()],
                "hamilton": [deliver(7, "U"), points((6, "SBU")), report()]},
         due=("business", 7), source="paragraph 8"),
    Case("state/10STATE369.txt", "Blue Lantern pre-license check within 30 days",
         posts=S("bogota"), tasks={"bogota": [report("Vertical de Aviacion")]}, due=("days", 30), source="paragraph 2"),
    # ---------------------------------------------------------------- not taskings: no demarche at all
    *[Case(name, "not an action request", demarche=False) for name in (
        "07BERN881.txt", "08TRIPOLI220.txt", "09BAKU179.txt", "09DOHA214.txt", "09NAIROBI2497.txt",
        "09STATE119085.txt", "09STATE11937.txt", "09STOCKHOLM194.txt", "10KUWAIT45.txt", "10KUWAIT88.txt",
        "state/01PARIS11204.txt", "state/06BOGOTA8663.txt", "state/06LIMA158.txt", "state/07LONDON640.txt",
        "state/07VILNIUS129.txt", "state/08BEIJING3039.txt", "state/08BOGOTA4036.txt", "state/08SANJOSE267.txt",
        "state/08SANJOSE587.txt", "state/08SAOPAULO468.txt", "state/09ASUNCION338.txt", "state/09BRASILIA1141.txt",
        "state/09MEXICO3376.txt", "state/09QUITO100.txt", "state/09TOKYO1598.txt", "state/09TRIPOLI683.txt",
        "state/10BOGOTA235.txt", "state/10BOGOTA93.txt", "state/10REYKJAVIK32.txt", "state/10SANJOSE154.txt")],
    # An embassy asking Washington to act (a bulk-corpus cable, copied to tests/data/generation/).
    Case("generation/08LONDON1115.txt", "London asks the Department to act: no post task, the draft says why",
         posts=S(), flags=("The action lies with the Department",)),
]
