"""Trivia facts: which facts a server may see, the no-repeat cycle per channel, what a fan
submission must look like, and the moderation state machine. Pure logic: no discord, no I/O."""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from rapidfuzz import fuzz, utils

from bot.domain.films import FILM_TAGS, FRANCHISE, TOPICS
from bot.errors import InvalidInput, NotAllowed

TEXT_MIN, TEXT_MAX = 20, 500
SOURCE_MAX = 300
REASON_MAX = 300
MAX_PENDING = 5
# rapidfuzz token_set_ratio (lowercased, punctuation stripped) at or above this is a near-duplicate,
# provided the numbers and film numerals agree. Measured on the bundled pack: distinct facts score
# at most 83.4; reworded copies 93 to 100 (README, "Submitting a fact").
DUPLICATE_THRESHOLD = 90.0
SUBMISSION_PREFIX = "s"


# -- the pool ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class PoolFact:
    """A fact as served: built-in, or a server's approved submission (with its credit)."""

    id: str
    films: tuple[str, ...]
    topics: tuple[str, ...]
    text: str
    source: str | None
    submitted: bool = False
    credit: str | None = None  # the submitter's name; None on a submission: a former member


def spoiler_safe(films: Iterable[str], enabled_films: frozenset[str]) -> bool:
    """Franchise facts are always allowed; any other needs every film it names enabled."""
    films = tuple(films)
    return FRANCHISE in films or all(film in enabled_films for film in films)


def servable(facts: Iterable[PoolFact], enabled_films: frozenset[str]) -> tuple[PoolFact, ...]:
    return tuple(fact for fact in facts if spoiler_safe(fact.films, enabled_films))


def matching(facts: Iterable[PoolFact], film: str | None, topic: str | None
             ) -> tuple[PoolFact, ...]:
    return tuple(fact for fact in facts
                 if (film is None or film in fact.films)
                 and (topic is None or topic in fact.topics))


def check_filters(film: str | None, topic: str | None, enabled_films: frozenset[str]) -> None:
    """The values a member typed (autocomplete only suggests), checked against the rules."""
    if film is not None:
        if film not in FILM_TAGS:
            raise InvalidInput(f"{film!r} is not one of the films; pick one from the list.")
        if film != FRANCHISE and film not in enabled_films:
            raise NotAllowed(f"{film} is switched off on this server to avoid spoilers; "
                             "pick another film.")
    if topic is not None and topic not in TOPICS:
        raise InvalidInput(f"{topic!r} is not a topic; pick one from the list.")


# -- the no-repeat cycle per channel -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CycleState:
    """A channel's history: each fact's last showing, numbered; the current cycle's start."""

    cycle_start: int = 0
    next_seq: int = 0
    last_shown: Mapping[str, int] | None = None

    def seen(self, fact_id: str) -> bool:
        return (self.last_shown or {}).get(fact_id, -1) >= self.cycle_start


@dataclass(frozen=True, slots=True)
class Draw:
    fact_id: str
    seq: int
    cycle_start: int


def draw_fact(pool: Sequence[str], candidates: Sequence[str], state: CycleState,
              rng: random.Random) -> Draw:
    """Pick one of `candidates` (a subset of `pool`) for a channel.

    No fact repeats until the channel has seen the whole pool; then a new cycle starts, and its
    first fact is not the one just shown. When a filter leaves only facts already seen this cycle,
    the one shown longest ago comes back.
    """
    if not candidates:
        raise ValueError("nothing to draw from")
    cycle_start = state.cycle_start
    if all(state.seen(fact_id) for fact_id in pool):
        cycle_start = state.next_seq
    state = CycleState(cycle_start, state.next_seq, state.last_shown)
    last = state.last_shown or {}
    unseen = [c for c in candidates if not state.seen(c)]
    if unseen:
        latest = max(last, key=last.__getitem__, default=None)
        fresh = [c for c in unseen if c != latest] or unseen
        chosen = rng.choice(sorted(fresh))
    else:
        chosen = min(candidates, key=lambda c: last.get(c, -1))
    return Draw(chosen, state.next_seq, cycle_start)


# -- submissions ---------------------------------------------------------------------------
_CONTROL_OK = {"\n", "\t"}
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MAX_MARKS_IN_A_ROW = 2  # more stacked combining marks than any language needs: "zalgo" text


def validate_text(raw: str | None) -> str:
    """The fact text as stored (verbatim, trimmed), or InvalidInput saying what to fix."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(f"Write your fact in the text box ({TEXT_MIN} to {TEXT_MAX} "
                           "characters).")
    if len(text) < TEXT_MIN:
        raise InvalidInput(f"Your fact is {len(text)} characters; give at least {TEXT_MIN} so "
                           "it stands on its own.")
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"Your fact is {len(text)} characters; shorten it to {TEXT_MAX} "
                           "or fewer.")
    if any(_hidden_control(ch) for ch in text):
        raise InvalidInput("Your fact contains invisible control characters; type it as plain "
                           "text and submit again.")
    if _stacked_marks(text) > MAX_MARKS_IN_A_ROW:
        raise InvalidInput("Your fact has stacked accent marks (zalgo text); write it as plain "
                           "text and submit again.")
    return text


def _hidden_control(ch: str) -> bool:
    if ch in _CONTROL_OK:
        return False
    return ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cs", "Co")


def _stacked_marks(text: str) -> int:
    longest = run = 0
    for ch in text:
        run = run + 1 if unicodedata.combining(ch) else 0
        longest = max(longest, run)
    return longest


def validate_film(raw: str | None) -> str:
    film = (raw or "").strip()
    if film not in FILM_TAGS:
        raise InvalidInput("Pick the film your fact is about from the list (or Franchise for "
                           "the series as a whole).")
    return film


def validate_source(raw: str | None) -> str | None:
    source = (raw or "").strip()
    if not source:
        return None
    parts = urlsplit(source) if len(source) <= SOURCE_MAX else None
    if (parts is None or parts.scheme not in ("http", "https") or "." not in parts.netloc
            or any(ch.isspace() or ch in "<>\"`" for ch in source)):
        raise InvalidInput(f"The source must be a web address starting with https:// (at most "
                           f"{SOURCE_MAX} characters), or leave it empty.")
    return source


def validate_reason(raw: str | None) -> str | None:
    reason = (raw or "").strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"Keep the reason to {REASON_MAX} characters.")
    return reason or None


def ensure_can_submit(pending: int) -> None:
    if pending >= MAX_PENDING:
        raise NotAllowed(f"You already have {MAX_PENDING} facts waiting for review; submit more "
                         "once a moderator has decided on those.")


# -- near-duplicates -----------------------------------------------------------------------
_KEY_TOKENS = re.compile(r"\d[\d,.]*\d|\d|\b(?:II|III|IV|V|VI)\b")


def _key_tokens(text: str) -> frozenset[str]:
    """Numbers and film numerals: "Rocky II cost $7 million" is not "Rocky IV cost $28 million"."""
    return frozenset(t.replace(",", "").rstrip(".") for t in _KEY_TOKENS.findall(text))


def similarity(a: str, b: str) -> float:
    """0-100; 0 when the two disagree on a number or a film numeral."""
    keys_a, keys_b = _key_tokens(a), _key_tokens(b)
    if not (keys_a <= keys_b or keys_b <= keys_a):
        return 0.0
    return fuzz.token_set_ratio(a, b, processor=utils.default_process)


@dataclass(frozen=True, slots=True)
class Resemblance:
    fact_id: str
    text: str
    score: float


def near_duplicate(text: str, existing: Iterable[tuple[str, str]],
                   threshold: float = DUPLICATE_THRESHOLD) -> Resemblance | None:
    """The existing (id, text) most like `text`, if it is at or above the threshold."""
    best: Resemblance | None = None
    for fact_id, other in existing:
        score = similarity(text, other)
        if score >= threshold and (best is None or score > best.score):
            best = Resemblance(fact_id, other, score)
    return best


# -- ids -----------------------------------------------------------------------------------
def submission_label(submission_id: int) -> str:
    return f"{SUBMISSION_PREFIX}{submission_id}"


def parse_submission_id(raw: str) -> int:
    """"s12" -> 12; built-in ids and anything else are refused."""
    value = raw.strip().lower()
    if value.startswith(SUBMISSION_PREFIX) and value[1:].isdigit() and len(value) < 19:
        return int(value[1:])
    raise InvalidInput(f"{raw!r} is not a submitted fact's id (like s12); built-in facts can't "
                       "be removed, but their film can be switched off.")


# -- moderation ----------------------------------------------------------------------------
class Status(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REMOVED = "removed"


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REMOVE = "remove"


TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PENDING, Action.APPROVE): Status.APPROVED,
    (Status.PENDING, Action.REJECT): Status.REJECTED,
    (Status.APPROVED, Action.REMOVE): Status.REMOVED,
}


class TransitionRefused(Exception):
    """The submission is not in a state that allows this action (someone decided first)."""

    def __init__(self, current: Status, action: Action) -> None:
        super().__init__(f"cannot {action} a {current} submission")
        self.current = current
        self.action = action


def transition(current: Status | str, action: Action) -> Status:
    """pending -> approved | rejected (the first decision wins); approved -> removed."""
    current = Status(current)
    try:
        return TRANSITIONS[(current, action)]
    except KeyError:
        raise TransitionRefused(current, action) from None


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    guild_id: int
    text: str
    film: str
    source: str | None
    status: Status
    submitted_at: str
    submitter_id: int | None  # None once the submitter's data was deleted
    submitter_name: str | None
    decided_at: str | None = None
    decider_id: int | None = None
    decider_name: str | None = None
    reason: str | None = None
    review_channel_id: int | None = None
    review_message_id: int | None = None

    @property
    def label(self) -> str:
        return submission_label(self.id)


@dataclass(frozen=True, slots=True)
class Contributor:
    user_id: int
    display_name: str
    approved: int


class DecisionRefused(Exception):
    """Someone decided first (or the state forbids it); carries the submission as it is now."""

    def __init__(self, submission: Submission, action: Action) -> None:
        super().__init__(f"cannot {action} {submission.label}: it is {submission.status}")
        self.submission = submission
        self.action = action
