"""Errors in the original seed text stay corrected in every pack.

Each correction has a "present" check (the right claim is stated somewhere) and an "absent"
check (no item states the wrong one). The detectors work clause by clause, so a correct item
that merely sits near a wrong-sounding phrase is not flagged; the self-tests at the bottom feed
them wrong and right wordings, including through a pack written to a temporary folder.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.content import bundled_packs_dir

KIND_FILES = {
    "fact": "facts/*.toml",
    "question": "questions/*.toml",
    "song": "songs.toml",
    "quote": "quotes.toml",
}


@dataclass(frozen=True)
class Claim:
    """What one item asserts, as normalised text (question options other than the answer
    are not claims and are left out)."""

    where: str
    kind: str
    films: tuple[str, ...]
    text: str
    prompt: str = ""
    answer: str = ""
    question_kind: str = ""
    chart_peak: str = ""


def normalise(text: str) -> str:
    for fancy, plain in {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}.items():
        text = text.replace(fancy, plain)
    return re.sub(r"\s+", " ", text).strip()


def claim_from(kind: str, item: dict, where: str) -> Claim:
    def get(name: str) -> str:
        return normalise(str(item.get(name) or ""))

    films = tuple(item.get("films") or ())
    if kind == "question":
        # No clause break between prompt and answer: "...peak? No. 1" reads as one claim.
        text = f"{get('prompt')} {get('answer')}. {get('explanation')}"
        return Claim(
            where, kind, films, text, get("prompt"), get("answer"), get("kind") or "general"
        )
    if kind == "song":
        text = f"{get('title')} ({get('performer')}) {get('chart_peak')}. {get('scene')}"
        return Claim(where, kind, films, text, chart_peak=get("chart_peak"))
    if kind == "quote":
        return Claim(where, kind, films, f"{get('text')}. {get('scene')}")
    return Claim(where, kind, films, get("text"))


def load_claims(packs_dir: Path) -> list[Claim]:
    claims = []
    for kind, pattern in KIND_FILES.items():
        for path in sorted(packs_dir.glob(pattern)):
            for item in tomllib.loads(path.read_text(encoding="utf-8")).get(kind, []):
                claims.append(claim_from(kind, item, f"{path.name}: {item.get('id')}"))
    return claims


# Split at ". " / "! " / ";" but not after "No.", short abbreviations or initials ("Michael B.
# Jordan"); "Rocky V." still ends a sentence.
CLAUSE_BREAK = re.compile(
    r"(?<!\bNo)(?<!\bvs)(?<!\bSt)(?<!\bDr)(?<!\bMr)(?<!\bMrs)(?<!\bJr)(?<!\b[A-HJ-UW-Z])"
    r"[.!]\s+|;\s*"
)


def clauses(text: str) -> list[str]:
    return [part for part in CLAUSE_BREAK.split(text) if part.strip()]


def search(pattern: str, text: str) -> bool:
    return re.search(pattern, text, re.IGNORECASE) is not None


ROCKY_IV = r"\bRocky (?:IV|4)\b"
MYTH = (
    r"\bmyth|\bmisconception|\bmistaken|\bwrongly|\berroneous|\bcontrary to\b"
    r"|\b(?:often|commonly|sometimes|widely) (?:said|claimed|reported|repeated|stated|called"
    r"|described|believed|thought)\b"
    r"|\b(?:did not|didn't|does not|doesn't|never) (?:last|stand|hold|survive)\b"
)


def about_rocky_iv(claim: Claim) -> bool:
    return "Rocky IV" in claim.films or search(ROCKY_IV, claim.text)


# --- (a) Rocky IV's box-office record fell to The Blind Side (2009), not to Creed -----------

SPORTS_RECORD = (
    r"\b(?:highest|top|biggest)[- ]grossing (?:\w+ )?(?:sports?|boxing)\b"
    r"|\b(?:sports?|boxing)[- ](?:film|movie)s?\b[^.;]{0,60}\brecord\b"
    r"|\brecord\b[^.;]{0,60}\b(?:sports?|boxing)[- ](?:film|movie)"
)
RECORD_WORDS = (
    r"\brecord\b|\b(?:highest|top|biggest)[- ]grossing\b|\bovert(?:ook|aken)\b|\bsurpass|\bdethron"
)
CREED_ENDED_IT = (
    r"\buntil (?:the (?:release of )?|(?:19|20)\d\d(?:'s| and| with|, when)? )?Creed\b"
    r"|\bCreed\b(?: (?:II|III|2|3))?(?: \(\d{4}\))?[^.;]{0,60}?"
    r"\b(?:broke|surpassed|overtook|topped|beat|dethroned|eclipsed|passed|ended)\b"
    r"|\b(?:broken|surpassed|overtaken|topped|beaten|dethroned|eclipsed|passed|ended)"
    r" (?:only )?by (?:\w+ ){0,2}Creed\b"
)


def says_blind_side_took_the_record(claim: Claim) -> bool:
    return (
        about_rocky_iv(claim)
        and search(r"\bBlind Side\b", claim.text)
        and search(RECORD_WORDS, claim.text)
    )


def says_record_lasted_until_creed(claim: Claim) -> bool:
    if not about_rocky_iv(claim):
        return False
    if claim.kind == "question" and search(SPORTS_RECORD, claim.prompt):
        if search(r"\bCreed\b", claim.answer):
            return True
    return any(
        search(SPORTS_RECORD, part) and search(CREED_ENDED_IT, part) and not search(MYTH, part)
        for part in clauses(claim.text)
    )


def wrong_blind_side_year(claim: Claim) -> bool:
    years = re.findall(r"\bBlind Side\b\W{0,3}(?:\(|in |of )?((?:19|20)\d\d)\b", claim.text)
    return any(year != "2009" for year in years)


# --- (b) "Burning Heart" peaked at No. 2; no Rocky IV single was a No. 1 --------------------

ROCKY_IV_SONGS = [
    "Burning Heart",
    "Living in America",
    "Hearts on Fire",
    "Heart's on Fire",  # a common misspelling, matched so the check still fires
    "No Easy Way Out",
    "Double or Nothing",
    "One Way Street",
    "The Sweetest Victory",
    "Man Against the World",
    "Training Montage",
]
ROCKY_IV_RECORD = (
    r"\bRocky (?:IV|4)(?:'s)? (?:lead |hit )?(?:single|song|theme|soundtrack|album|hit)"
)
# A chart claim next to another song is about that song ("..., while Eye of the Tiger hit No. 1").
OTHER_SONGS = ["Eye of the Tiger", "Gonna Fly Now", "Going the Distance", "Conquest"]
NUMBER_ONE = (
    r"(?:\bNo\.?|\bnumber|#)[ -]?(?:1|one)\b(?! contender)"
    r"|\bchart[- ]topp(?:ing|er)s?\b"
    r"|\btop(?:ped|s|ping) (?:the )?(?:[\w'-]+ ){0,3}(?:charts?|Hot 100|Billboard)"
    r"|\b(?:hit|reached|went to|climbed to) the (?:very )?top\b(?![ -]?(?:\d|ten|five|forty))"
)
# "produced no No. 1 single", "never reached No. 1", "fell short of No. 1".
DENIED = r"\b(?:no|never|not|without(?: a)?|short of|missed)\s+(?:[\w']+\s+){0,2}$"
NUMBER_TWO = r"(?:\bNo\.?|\bnumber|#)[ -]?(?:2|two)\b"


def _song_mentions(text: str, titles: list[str]) -> list[int]:
    return [m.start() for title in titles for m in re.finditer(re.escape(title), text)]


def calls_rocky_iv_single_no_1(claim: Claim) -> bool:
    only_rocky_iv = claim.films == ("Rocky IV",)
    if claim.kind == "song" and only_rocky_iv and search(NUMBER_ONE, claim.chart_peak):
        return True
    for part in clauses(claim.text):
        rocky_iv = _song_mentions(part, ROCKY_IV_SONGS)
        rocky_iv += [m.start() for m in re.finditer(ROCKY_IV_RECORD, part, re.IGNORECASE)]
        others = _song_mentions(part, OTHER_SONGS)
        for hit in re.finditer(NUMBER_ONE, part, re.IGNORECASE):
            if search(DENIED, part[: hit.start()]):
                continue
            # The chart claim belongs to the song named last before it, else the first after.
            before = [(pos, pos in rocky_iv) for pos in rocky_iv + others if pos < hit.start()]
            after = [(pos, pos in rocky_iv) for pos in rocky_iv + others if pos > hit.start()]
            subject = max(before) if before else min(after) if after else None
            if subject is not None and subject[1]:
                return True
    return False


def says_burning_heart_peaked_at_2(claim: Claim) -> bool:
    return any("Burning Heart" in part and search(NUMBER_TWO, part) for part in clauses(claim.text))


# --- (c) Conti scored every Rocky film but Rocky IV, and none of the Creed films ------------

SAGA = r"\b(?:franchise|saga|series|nine|whole|entire|all (?:the )?films)\b"
ROCKY_ONLY = r"\b(?:six|original|first)\b|\bRocky(?:-titled)? (?:film|movie|entr|instal|sequel|pic)"
CREED_SET_ASIDE = (
    r"\b(?:apart from|besides|except(?: for)?|other than|aside from|excluding|not counting"
    r"|outside(?: of)?) (?:the )?(?:three |two )?Creed"
)
EVERY_BUT_ROCKY_IV = (
    r"\b(?:every|each|all)\b[^.;]{0,60}\b(?:except|but|other than|apart from|save)\b"
    r"[^.;]{0,20}" + ROCKY_IV
)
NEGATION = r"\bnot\b|n't\b|\bnever\b|\binstead\b|\brather than\b|\btook over\b|\breplac"


def says_rocky_iv_only_saga_film_without_conti(claim: Claim) -> bool:
    for part in clauses(claim.text):
        if not search(r"\bConti\b", part) or search(ROCKY_ONLY, part):
            continue
        if search(CREED_SET_ASIDE, part) or search(MYTH, part):
            continue
        only_in_saga = search(r"\bonly\b", part) and search(SAGA, part)
        every_but = search(EVERY_BUT_ROCKY_IV, part) and not search(r"\bCreed\b", part)
        if only_in_saga or every_but:
            return True
    return False


def says_conti_scored_no_creed_or_only_rocky_iv(claim: Claim) -> bool:
    rocky_iv_only_rocky_film = any(
        search(r"\bConti\b", part)
        and search(ROCKY_IV, part)
        and (search(r"\bonly\b", part) or search(EVERY_BUT_ROCKY_IV, part))
        and search(ROCKY_ONLY, part)
        for part in clauses(claim.text)
    )
    creed_not_conti = (
        search(r"\bConti\b", claim.text)
        and search(r"\bCreed\b", claim.text)
        and search(r"\bG(?:ö|o)ransson\b|\bShirley\b", claim.text)
        and search(NEGATION, claim.text)
    )
    return rocky_iv_only_rocky_film or bool(creed_not_conti)


# --- (d) "Going in one more round ..." is not a line from any film -------------------------

ONE_MORE_ROUND = r"\bgoing (?:in )?one more round\b"
# The whole seed line, removed before looking for a disclaimer ("don't" is part of the line).
ONE_MORE_ROUND_LINE = (
    ONE_MORE_ROUND + r"(?: when you don'?t think you can)?"
    r"(?:\W+that'?s what makes all the difference in your life)?"
)
NOT_IN_A_FILM = (
    r"\bnot (?:a line )?(?:in|from) (?:any|the|a)\b|\bnever (?:said|spoken|appears?|heard|used)\b"
    r"|\bdoes(?:n't| not) appear\b|\bis(?:n't| not) (?:in|from)\b|\bmisattribut|\bapocryphal"
    r"|\bnone of the (?:films|movies)\b|\bno (?:Rocky |Creed )?(?:film|movie)\b"
    r"|\bnot (?:a )?(?:film|movie|screen) (?:line|quote)\b|\b(?:often|widely) attributed\b"
    r"|\bnot (?:spoken|said)\b"
)


def presents_one_more_round_as_film_quote(claim: Claim) -> bool:
    if not search(ONE_MORE_ROUND, claim.text):
        return False
    if claim.kind == "quote" or claim.question_kind == "quote":
        return True
    rest = re.sub(ONE_MORE_ROUND_LINE, " ", claim.text, flags=re.IGNORECASE)
    return not search(NOT_IN_A_FILM, rest)


# --- the checks on the bundled packs --------------------------------------------------------


@pytest.fixture(scope="module")
def claims() -> list[Claim]:
    return load_claims(bundled_packs_dir())


def offenders(claims: list[Claim], wrong: Callable[[Claim], bool]) -> list[str]:
    return [f"{c.where}: {c.text}" for c in claims if wrong(c)]


def assert_none(claims: list[Claim], wrong: Callable[[Claim], bool]) -> None:
    found = offenders(claims, wrong)
    assert not found, f"{wrong.__name__}:\n" + "\n".join(found)


def test_rocky_iv_record_fell_to_the_blind_side(claims: list[Claim]) -> None:
    assert any(map(says_blind_side_took_the_record, claims)), "no item says The Blind Side took it"
    assert_none(claims, wrong_blind_side_year)


def test_no_item_says_rocky_iv_record_lasted_until_creed(claims: list[Claim]) -> None:
    assert_none(claims, says_record_lasted_until_creed)


def test_burning_heart_peaked_at_no_2(claims: list[Claim]) -> None:
    assert any(map(says_burning_heart_peaked_at_2, claims)), "no item gives Burning Heart's No. 2"


def test_no_rocky_iv_single_is_called_a_no_1(claims: list[Claim]) -> None:
    assert_none(claims, calls_rocky_iv_single_no_1)


def test_conti_did_not_score_the_creed_films(claims: list[Claim]) -> None:
    assert any(map(says_conti_scored_no_creed_or_only_rocky_iv, claims)), (
        "no item says Conti did not score the Creed films or only Rocky IV among the Rocky films"
    )


def test_no_item_says_rocky_iv_is_the_only_saga_film_conti_did_not_score(
    claims: list[Claim],
) -> None:
    assert_none(claims, says_rocky_iv_only_saga_film_without_conti)


def test_going_one_more_round_is_not_a_film_quote(claims: list[Claim]) -> None:
    assert_none(claims, presents_one_more_round_as_film_quote)


# --- self-tests: the detectors catch wrong wordings and spare right ones --------------------


def fact(text: str, films: tuple[str, ...] = ("Franchise",)) -> Claim:
    return Claim("test", "fact", films, normalise(text))


def question(prompt: str, answer: str, explanation: str = "", kind: str = "general") -> Claim:
    item = {"prompt": prompt, "answer": answer, "explanation": explanation, "kind": kind}
    return claim_from("question", item, "test")


WRONG: dict[Callable[[Claim], bool], list[Claim]] = {
    says_record_lasted_until_creed: [
        fact("Rocky IV was the highest-grossing sports film until Creed."),
        fact("Rocky IV stayed the top-grossing sports movie until 2015 and Creed."),
        fact("Rocky IV's record as the biggest-grossing boxing film was only broken by Creed."),
        fact("Rocky IV held the sports film box office record until Creed (2015) broke it."),
        question("Which film ended Rocky IV's run as the highest-grossing sports film?", "Creed"),
    ],
    wrong_blind_side_year: [fact("Rocky IV lost its record to The Blind Side (2010).")],
    calls_rocky_iv_single_no_1: [
        fact("Survivor's Burning Heart was a No. 1 hit in 1986."),
        fact("Living in America topped the Billboard Hot 100."),
        fact("Heart's on Fire was a number-one single."),
        fact("Burning Heart reached the top of the charts in 1986."),
        fact("Not only was Burning Heart a hit, it went to No. 1."),
        fact("The chart-topping Rocky IV single made Survivor stars again."),
        fact("Eye of the Tiger hit No. 1 in 1982; Burning Heart went to number one too."),
        question("Where did Burning Heart peak on the Billboard Hot 100?", "No. 1"),
        Claim("test", "song", ("Rocky IV",), "War", chart_peak="No. 1, US"),
    ],
    says_rocky_iv_only_saga_film_without_conti: [
        fact("Rocky IV is the only film in the franchise not scored by Bill Conti."),
        fact("DiCola scored Rocky IV, the only entry in the saga without a Conti score."),
        fact("Bill Conti scored every film except Rocky IV."),
        question("Which is the only film of the series Conti did not score?", "Rocky IV"),
    ],
    presents_one_more_round_as_film_quote: [
        Claim("test", "quote", ("Rocky",), "Going in one more round when you don't think you can."),
        fact(
            "Rocky tells Adonis: 'Going in one more round when you don't think you can - "
            "that's what makes all the difference in your life.'"
        ),
        question(
            "Who says 'Going in one more round when you don't think you can'?",
            "Rocky",
            kind="quote",
        ),
    ],
}

RIGHT: dict[Callable[[Claim], bool], list[Claim]] = {
    says_record_lasted_until_creed: [
        fact("Rocky IV was the highest-grossing sports film until The Blind Side (2009)."),
        fact(
            "Creed broke Rocky IV's opening-weekend record for the series; Rocky IV's sports "
            "film record had already fallen to The Blind Side."
        ),
        fact(
            "It is often said that Rocky IV's record as top-grossing sports film lasted until "
            "Creed, but The Blind Side took it in 2009."
        ),
    ],
    calls_rocky_iv_single_no_1: [
        fact("Burning Heart peaked at No. 2, while Eye of the Tiger had been No. 1 for six weeks."),
        fact("Gonna Fly Now reached No. 1 in 1977.", ("Rocky",)),
        Claim("test", "song", ("Rocky III", "Rocky IV"), "Eye of the Tiger", chart_peak="No. 1"),
        fact("Burning Heart reached No. 10 in Canada."),
        fact("The Rocky IV soundtrack reached the top 10 of the US Billboard 200."),
        fact("The Rocky IV soundtrack produced no No. 1 single: Burning Heart peaked at No. 2."),
        fact("Burning Heart never reached No. 1; it stopped at No. 2."),
    ],
    says_rocky_iv_only_saga_film_without_conti: [
        fact("Rocky IV is the only Rocky film Bill Conti did not score."),
        fact("Of the six Rocky films in the franchise, only Rocky IV lacks a Conti score."),
        fact(
            "Apart from the Creed films, Rocky IV is the only film in the series "
            "Conti did not score."
        ),
        fact("Bill Conti scored every film except Rocky IV and the three Creed films."),
        question(
            "Rocky IV is often called the only franchise film without a Bill Conti score. "
            "Who actually scored Creed (2015)?",
            "Ludwig Göransson",
            "So Rocky IV is the sole Rocky film, not the sole franchise film, without Conti.",
        ),
    ],
    presents_one_more_round_as_film_quote: [
        fact(
            "The line 'Going in one more round when you don't think you can' is often attributed "
            "to Rocky, but it is not in any of the films."
        ),
        fact("'Going in one more round when you don't think you can' is a misattributed saying."),
    ],
}


def cases(table: dict[Callable[[Claim], bool], list[Claim]]) -> list:
    return [
        pytest.param(detector, claim, id=f"{detector.__name__}: {claim.text[:50]}")
        for detector, claims in table.items()
        for claim in claims
    ]


@pytest.mark.parametrize(("detector", "claim"), cases(WRONG))
def test_detectors_catch_wrong_wordings(detector: Callable[[Claim], bool], claim: Claim) -> None:
    assert detector(claim)


@pytest.mark.parametrize(("detector", "claim"), cases(RIGHT))
def test_detectors_spare_right_wordings(detector: Callable[[Claim], bool], claim: Claim) -> None:
    assert not detector(claim)


CORRECTED: dict[Callable[[Claim], bool], list[Claim]] = {
    says_blind_side_took_the_record: [
        fact("Rocky IV held the record until The Blind Side (2009).", ("Rocky IV",)),
        question("Which film overtook Rocky IV as the top-grossing sports film?", "The Blind Side"),
    ],
    says_burning_heart_peaked_at_2: [
        fact("Burning Heart peaked at No. 2 on the Billboard Hot 100."),
        Claim(
            "test", "song", ("Rocky IV",), "Burning Heart (Survivor) No. 2, US Billboard Hot 100."
        ),
    ],
    says_conti_scored_no_creed_or_only_rocky_iv: [
        fact("Rocky IV is the only Rocky film Conti did not score."),
        fact("Ludwig Göransson, not Bill Conti, scored Creed."),
    ],
}


@pytest.mark.parametrize(("detector", "claim"), cases(CORRECTED))
def test_detectors_recognise_the_corrected_wordings(
    detector: Callable[[Claim], bool], claim: Claim
) -> None:
    assert detector(claim)


INJECTED_FACTS = {
    "bad-record": "Rocky IV was the highest-grossing sports film of all time until Creed in 2015.",
    "bad-chart": 'Survivor\'s "Burning Heart" from Rocky IV was a No. 1 hit in early 1986.',
    "bad-conti": "Rocky IV is the only film in the franchise that Bill Conti did not score.",
    "bad-round": 'Rocky tells Adonis: "Going in one more round when you don\'t think you can."',
}


def test_wrong_items_injected_into_a_copy_of_the_packs_are_caught(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    shutil.copytree(bundled_packs_dir(), packs, ignore=shutil.ignore_patterns("*.db*", "*.md"))
    injected = [
        f'[[fact]]\nid = "{id_}"\nfilms = ["Rocky IV"]\ntext = {json.dumps(text)}\n'
        for id_, text in INJECTED_FACTS.items()
    ]
    (packs / "facts").mkdir(exist_ok=True)
    (packs / "facts" / "zz-injected.toml").write_text("\n".join(injected), encoding="utf-8")
    with (packs / "quotes.toml").open("a", encoding="utf-8") as quotes:
        quotes.write('\n[[quote]]\nid = "bad-quote"\nfilms = ["Creed"]\n')
        quotes.write('text = "Going in one more round when you don\'t think you can."\n')

    claims = load_claims(packs)
    caught = {
        says_record_lasted_until_creed: "bad-record",
        calls_rocky_iv_single_no_1: "bad-chart",
        says_rocky_iv_only_saga_film_without_conti: "bad-conti",
        presents_one_more_round_as_film_quote: "bad-round",
    }
    for detector, id_ in caught.items():
        found = offenders(claims, detector)
        assert any(f"zz-injected.toml: {id_}:" in line for line in found), detector.__name__
    assert any(
        "quotes.toml: bad-quote:" in line
        for line in offenders(claims, presents_one_more_round_as_film_quote)
    )


# --- issue 17: four items worded more strongly than their sources --------------------------


def _item(item_id: str) -> dict:
    for kind, pattern in KIND_FILES.items():
        for path in sorted(bundled_packs_dir().glob(pattern)):
            for item in tomllib.loads(path.read_text(encoding="utf-8")).get(kind, []):
                if item.get("id") == item_id:
                    return item
    raise AssertionError(f"{item_id} is missing")


def calls_conlan_rematch_the_prologue_or_undisputed(claim: Claim) -> bool:
    about_conlan = "Creed III" in claim.films and search(r"\bConlan\b", claim.text)
    return bool(about_conlan and search(r"\bprologue\b|\bundisputed\b", claim.text))


def calls_the_commentators_hbos_broadcast_team(claim: Claim) -> bool:
    return bool(search(r"\bLampley\b|\bKellerman\b|\bMerchant\b", claim.text)
                and search(r"\bHBO'?s?\b[^.;]{0,20}\b(?:real|regular|own|actual)?\s*"
                           r"(?:broadcast(?:ing)?|commentary|announc\w*) (?:team|crew|trio)\b",
                           claim.text))


def ties_columbu_ten_pounds_to_rocky_iv(claim: Claim) -> bool:
    return bool(search(r"\bColumbu\b", claim.text)
                and search(r"\bten pounds\b|\b10 pounds\b", claim.text)
                and not search(r"\bRambo\b", claim.text))


def says_drago_line_is_often_misquoted(claim: Claim) -> bool:
    return bool(search(r"\bbreak you\b", claim.text) and search(r"\bmisquot", claim.text))


ISSUE_17_WRONG: dict[Callable[[Claim], bool], list[Claim]] = {
    calls_conlan_rematch_the_prologue_or_undisputed: [
        Claim("test", "question", ("Creed III",),
              "Whom does Adonis beat in the prologue's rematch before retiring? Ricky Conlan."),
        Claim("test", "question", ("Creed III",),
              "Adonis retires as undisputed champion after beating Conlan."),
    ],
    calls_the_commentators_hbos_broadcast_team: [
        fact("HBO's real broadcast team of Jim Lampley, Larry Merchant and Max Kellerman "
             "call the fight."),
    ],
    ties_columbu_ten_pounds_to_rocky_iv: [
        fact("For Rocky IV Stallone trained with Franco Columbu, putting on about ten pounds."),
    ],
    says_drago_line_is_often_misquoted: [
        question("Who says \"I must break you\"?", "Ivan Drago",
                 "Drago's line is 'I must break you', not the often misquoted 'I will break you'."),
    ],
}


@pytest.mark.parametrize(("detector", "claim"), cases(ISSUE_17_WRONG))
def test_issue_17_detectors_catch_the_old_wordings(
    detector: Callable[[Claim], bool], claim: Claim
) -> None:
    assert detector(claim)


@pytest.mark.parametrize("detector", list(ISSUE_17_WRONG))
def test_issue_17_corrections_hold_in_every_pack(
    claims: list[Claim], detector: Callable[[Claim], bool]
) -> None:
    assert_none(claims, detector)


def test_issue_17_corrected_items_say_what_their_sources_say() -> None:
    conlan = _item("q-c3-conlan-prologue")
    assert conlan["answer"] == "Ricky Conlan" and "mvlteenvoice" not in conlan["source"]
    hbo = _item("f-rb-hbo-commentators")["text"]
    assert "real HBO boxing commentators" in hbo
    for item_id in ("q-r4-columbu", "f-r4-columbu"):
        item = _item(item_id)
        text = item.get("text") or f"{item['prompt']} {item['explanation']}"
        assert "Rambo" in text and "Columbu" in text
    assert "misquot" not in _item("q-r4-q-break-you")["explanation"]
