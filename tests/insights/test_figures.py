"""The figures from stored events, case by case: the events are Rasa's own (saved by its
SQLTrackerStore), read by the report's query, folded by insights/figures.py."""

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from actions.linking_rules import DIAGNOSES_BY_ID
from insights import page
from insights.figures import Figures, Period, UnsureMessage, compute, fetch_window
from insights.labels import article_case, fact_label, load_domain
from insights.store import read_events

ZONE = ZoneInfo("Europe/Berlin")
DOMAIN = load_domain()
DAY = datetime.date(2026, 11, 10)


def at(day: datetime.date, hour: int, minute: int = 0) -> float:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZONE).timestamp()


@dataclass
class Talk:
    """One sender's events as the bot stores them, a few seconds apart."""

    sender: str
    clock: float
    events: List = field(default_factory=list)

    def _tick(self) -> float:
        self.clock += 5
        return self.clock

    def session(self, at: Optional[float] = None) -> "Talk":
        from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted

        if at is not None:
            self.clock = at
        self.events += [
            ActionExecuted("action_session_start", timestamp=self.clock),
            BotUttered(
                "Hinweis", metadata={"utter_action": "privacy_notice"}, timestamp=self.clock
            ),
            SessionStarted(timestamp=self.clock),
            ActionExecuted("action_listen", timestamp=self.clock),
        ]
        return self

    def user(self, text: str, intent: str, confidence: float = 0.99, second: str = "") -> "Talk":
        from rasa.shared.core.events import UserUttered

        ranking = [{"name": intent, "confidence": confidence}]
        if second:
            ranking.append({"name": second, "confidence": confidence - 0.1})
        parse_data = {"intent": ranking[0], "intent_ranking": ranking, "entities": [], "text": text}
        self.events.append(
            UserUttered(text, ranking[0], parse_data=parse_data, timestamp=self._tick())
        )
        return self

    def bot(self, response: str) -> "Talk":
        from rasa.shared.core.events import BotUttered

        self.events.append(
            BotUttered(response, metadata={"utter_action": response}, timestamp=self._tick())
        )
        return self

    def slot(self, name: str, value: object) -> "Talk":
        from rasa.shared.core.events import SlotSet

        self.events.append(SlotSet(name, value, timestamp=self._tick()))
        return self


async def store_of(path: Path, talks: List[Talk]) -> sa.engine.Engine:
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker

    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    for talk in talks:
        await store.save(DialogueStateTracker.from_events(talk.sender, talk.events))
    return sa.create_engine(f"sqlite:///{path}")


async def figures_of(tmp_path: Path, talks: List[Talk], since=DAY, until=DAY) -> Figures:
    engine = await store_of(tmp_path / "tracker.db", talks)
    period = Period(since, until, ZONE)
    rows = read_events(engine, fetch_window(period, DOMAIN.session_expiration_s))
    return compute(rows, period, DOMAIN.form_facts)


async def test_a_customer_back_after_the_session_expired_is_a_new_conversation(tmp_path):
    talk = Talk("anna", at(DAY, 9)).session().user("Hallo", "greet")
    talk.session(at(DAY + datetime.timedelta(days=1), 9)).user("nochmal ich", "greet")
    figures = await figures_of(tmp_path, [talk], DAY, DAY + datetime.timedelta(days=1))
    assert figures.conversations == 2
    assert list(figures.per_day.values()) == [1, 1]


@pytest.mark.parametrize(
    "start, counted",
    [
        (at(DAY, 0, 0), True),
        (at(DAY, 23, 59), True),
        (at(DAY + datetime.timedelta(days=1), 0, 0), False),
        # Begun before the period, still talking in it: not a conversation of the period.
        (at(DAY, 0, 0) - 60, False),
    ],
    ids=["first-minute", "last-minute", "the-day-after", "begun-the-evening-before"],
)
async def test_conversations_of_the_period_in_berlin_time(tmp_path, start, counted):
    talk = Talk("anna", start).session().user("Hallo", "greet")
    talk.clock = start + 120
    talk.user("mein Vertrag fehlt", "contract_not_shown")
    figures = await figures_of(tmp_path, [talk])
    assert (figures.conversations, figures.messages) == ((1, 2) if counted else (0, 0))


async def test_the_reason_the_bot_stored_is_the_reason(tmp_path):
    # Today's bot after the loop breaker: the slot, and the case note it also sends.
    talk = Talk("anna", at(DAY, 9)).session().user("weiß nicht", "dont_know")
    talk.slot("gave_up", "customer_type").bot("utter_give_up_customer_type")
    talk.slot("handover_reason", "loop_breaker").bot("case_note")
    figures = await figures_of(tmp_path, [talk])
    assert (figures.handovers, dict(figures.handover_reasons)) == (1, {"loop_breaker": 1})


@pytest.mark.parametrize(
    "what, value, reason",
    [
        ("bot", "handover_person", "asked_for_person"),
        ("bot", "handover_person_with_link", "asked_for_person"),
        ("bot", "case_note", "not_helped"),
        ("bot", "case_note_with_link", "not_helped"),
        ("slot", ("gave_up", "same_name"), "loop_breaker"),
        ("slot", ("gave_up", "person"), None),
        ("slot", ("gave_up", None), None),
    ],
    ids=lambda value: str(value),
)
async def test_older_conversations_without_the_slot_by_what_the_bot_did(
    tmp_path, what, value, reason
):
    talk = Talk("anna", at(DAY, 9)).session().user("Mein Vertrag fehlt", "contract_not_shown")
    if what == "bot":
        talk.bot(value)
    else:
        talk.slot(*value)
    figures = await figures_of(tmp_path, [talk])
    assert dict(figures.handover_reasons) == ({reason: 1} if reason else {})


async def test_helped_counted_for_the_diagnosis_it_followed(tmp_path):
    # As action_diagnose stores it: the question first, the slot after.
    talk = Talk("anna", at(DAY, 9)).session().user("Mein Vertrag fehlt", "contract_not_shown")
    talk.bot("utter_ask_customer_type").user("privat", "inform")
    talk.bot("ask_helped").slot("diagnosis", "link_as_owner")
    talk.user("ach, doch geschäftlich", "business_customer")  # a correction, no answer
    talk.bot("ask_helped").slot("diagnosis", "business_portal").user("ja", "affirm")
    other = Talk("ben", at(DAY, 10)).session().user("nur Nutzer", "linked_only_as_user")
    other.bot("ask_helped").slot("diagnosis", "replace_user_link").user("nein", "deny")
    silent = Talk("cem", at(DAY, 11)).session().user("nur Nutzer", "linked_only_as_user")
    silent.bot("ask_helped").slot("diagnosis", "replace_user_link")
    figures = await figures_of(tmp_path, [talk, other, silent])
    assert {d: dict(c) for d, c in figures.helped.items()} == {
        "link_as_owner": {"none": 1},
        "business_portal": {"yes": 1},
        "replace_user_link": {"no": 1, "none": 1},
    }
    assert dict(figures.diagnoses) == {"business_portal": 1, "replace_user_link": 2}
    assert sorted(figures.turns_to_answer) == [1, 1, 2]


async def test_where_a_conversation_without_a_diagnosis_ended(tmp_path):
    asked_twice = Talk("anna", at(DAY, 9)).session().user("Vertrag fehlt", "contract_not_shown")
    asked_twice.slot("requested_slot", "customer_type").bot("utter_ask_customer_type")
    asked_twice.user("privat", "inform").slot("requested_slot", "has_login")
    asked_twice.bot("utter_ask_has_login").slot("requested_slot", None)
    nothing_asked = Talk("ben", at(DAY, 10)).session().user("Rechnung zu hoch", "out_of_scope")
    answered = Talk("cem", at(DAY, 11)).session().user("Firmenvertrag", "business_customer")
    answered.bot("ask_helped").slot("diagnosis", "business_portal")
    figures = await figures_of(tmp_path, [asked_twice, nothing_asked, answered])
    assert dict(figures.ended_without_answer) == {"has_login": 1, None: 1}


async def test_unsure_messages_counted_together_payloads_not_judged(tmp_path):
    talk = Talk("anna", at(DAY, 9)).session()
    talk.user("Kunde", "nlu_fallback", 0.3, second="out_of_scope")
    talk.user('/inform{"customer_type":"privat"}', "inform", 1.0)
    talk.user("/nlu_fallback", "nlu_fallback", 1.0)
    talk.user("ok", "affirm", 0.48).user("ja", "affirm", 0.99)
    again = Talk("ben", at(DAY, 10)).session().user(" KUNDE ", "nlu_fallback", 0.3, second="inform")
    figures = await figures_of(tmp_path, [talk, again])
    assert (figures.messages, figures.typed, figures.fallback_messages) == (6, 4, 2)
    assert figures.unsure == [
        UnsureMessage("Kunde", 2, "nlu_fallback", "out_of_scope", pytest.approx(0.2)),
        UnsureMessage("ok", 1, "affirm", "affirm", pytest.approx(0.48)),
    ]


@pytest.mark.parametrize(
    "turns, p90",
    [([1], 1), ([1, 2], 2), ([3, 1, 2], 3), (list(range(1, 11)), 9), (list(range(1, 12)), 10)],
)
def test_p90_is_the_nearest_rank(turns, p90):
    figures = Figures(DAY, DAY, {}, turns_to_answer=turns)
    assert figures.turns_p90 == p90


def test_the_page_escapes_what_customers_typed():
    figures = Figures(DAY, DAY, {DAY: 1}, conversations=1, typed=1, messages=1)
    figures.unsure = [
        UnsureMessage("<script>alert(1)</script> & [Rufnummer]", 1, "nlu_fallback", None, 0.1)
    ]
    figures.ended_without_answer[None] = 1
    html = page.render(figures, DOMAIN, "test", "Europe/Berlin", datetime.datetime(2026, 11, 10))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; [Rufnummer]" in html


def test_every_diagnosis_and_question_has_its_german_name():
    assert all(article_case(d) != d for d in DIAGNOSES_BY_ID)
    assert all(fact_label(f) != f and DOMAIN.questions.get(f) for f in DOMAIN.form_facts)


def test_empty_store_gives_an_empty_report(tmp_path):
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'none.db'}")
    period = Period(DAY, DAY, ZONE)
    figures = compute(read_events(engine, period.bounds()), period, DOMAIN.form_facts)
    assert (figures.conversations, figures.per_day) == (0, {DAY: 0})
    html = page.render(figures, DOMAIN, "test", "Europe/Berlin", datetime.datetime(2026, 11, 10))
    assert "keine Gespräche" in html and "<svg" not in html


def test_domain_read_for_the_report():
    assert DOMAIN.session_expiration_s == 60 * 60
    assert DOMAIN.form_facts[0] == "customer_type"
