"""The normaliser: every form of a value sets the fact, a non-answer sets none.

Sentences here are the developers' own; tests/simulator/phrasings.yml (written apart)
checks the same properties on text nobody here wrote.
"""

import pytest

from actions.normaliser import YES_NO_FACTS, read

# (asked fact or None, message, the value it gives that fact)
ANSWERS = [
    ("customer_type", "Privatkunde, ganz normaler privater Vertrag.", "privat"),
    ("customer_type", "Privatkundin", "privat"),
    ("customer_type", "als Privatperson", "privat"),
    ("customer_type", "PRIVAT!!", "privat"),
    ("customer_type", "pirvatkunde", "privat"),
    ("customer_type", "bin kein Geschäftskunde", "privat"),
    ("customer_type", "geschäftlich", "geschaeft"),
    ("customer_type", "Firmenvertrag", "geschaeft"),
    ("customer_type", "gewerblich angemeldet", "geschaeft"),
    ("customer_type", "läuft über die GmbH", "geschaeft"),
    ("customer_type", "Geschaeftskunde", "geschaeft"),
    ("customer_type", "Geschaftskunde", "geschaeft"),
    ("customer_type", "gescheftskunde", "geschaeft"),
    ("has_login", "jep", "ja"),
    ("has_login", "genau", "ja"),
    ("has_login", "hab ich", "ja"),
    ("has_login", "ich bin schon registriert", "ja"),
    ("has_login", "nö", "nein"),
    ("has_login", "habe ich nicht", "nein"),
    (None, "ich habe noch keinen Login fürs Kundencenter", "nein"),
    ("number_shown", "stimmt", "ja"),
    ("number_shown", "leider nicht", "nein"),
    (None, "da steht Nutzer ohne Rufnummer und ohne Tarifname", "nein"),
    ("same_name", "auf jeden Fall", "ja"),
    ("same_name", "nicht alle", "nein"),
    ("same_name", "nicht alle auf meinen Namen", "nein"),
    (None, "die laufen alle auf meinen Namen", "ja"),
    (None, "der zweite Vertrag läuft auf meine Frau", "nein"),
    ("same_name", "der läuft auf meinen Namen, meine Frau nutzt das Handy nur", "ja"),
    ("same_name", "sowohl meiner als auch der von meiner Tochter laufen auf meinen Namen", "ja"),
    ("same_name", "das Tablet vom Mann läuft ebenfalls auf mich", "ja"),
    ("same_name", "der vom Sohn läuft auf ihn selbst", "nein"),
    ("other_link", "nee", "nein"),
    (None, "eine andere Verknüpfung gibt es nicht", "nein"),
    ("other_link", "da ist noch eine alte Verknüpfung", "ja"),
    ("link_status", "gar nichts", "keine"),
    ("link_status", "überall nur Nutzer", "nur_nutzer"),
    ("link_status", "kein Inhaber, nur Nutzer", "nur_nutzer"),
    ("link_status", "just Nutzer, not Vertragsinhaber", "nur_nutzer"),
    ("link_status", "nicht nur Inhaber, auch Nutzer", "gemischt"),
    ("customer_type", "für mich persönlich, nicht für die Arbeit", "privat"),
    ("link_status", "teils teils", "gemischt"),
    ("link_status", "Inhaber, aber der Vertrag ist gekündigt", "inhaber_ohne_vertrag"),
]


def fact_of(asked, text):
    if asked:
        return asked
    return next(
        f
        for f in ("customer_type", "has_login", "number_shown", "same_name", "other_link")
        if f in read(text).values
    )


@pytest.mark.parametrize("asked, text, value", ANSWERS, ids=[a[1] for a in ANSWERS])
def test_an_answer_in_any_form_sets_the_fact(asked, text, value):
    assert read(text, asked).values.get(fact_of(asked, text)) == value


NON_ANSWERS = [
    ("same_name", "Das weiß ich leider nicht genau", "dont_know"),
    (
        "number_shown",
        "das hilft mir nicht, verbinden Sie mich bitte mit einem Mitarbeiter",
        "wants_person",
    ),
    ("number_shown", "bringt mir nix", "unhelpful"),
    # Seen in make chat: the "nein" is about the last answer, not the question.
    ("number_shown", "nein, das hat leider nicht geholfen", "unhelpful"),
    ("customer_type", "keine Ahnung, wo sehe ich das?", "dont_know"),
    ("has_login", "bin mir nicht sicher", "dont_know"),
    ("other_link", "wo finde ich das?", "dont_know"),
    ("customer_type", "privat glaube ich, bin mir aber nicht sicher", "dont_know"),
]


@pytest.mark.parametrize("asked, text, kind", NON_ANSWERS, ids=[n[1] for n in NON_ANSWERS])
def test_a_non_answer_sets_no_fact_for_the_question(asked, text, kind):
    reading = read(text, asked)
    assert asked not in reading.values
    assert getattr(reading, kind)


@pytest.mark.parametrize("fact", YES_NO_FACTS)
def test_bare_yes_answers_only_the_question_asked(fact):
    assert read("ja", fact).values == {fact: "ja"}
    assert read("ja", None).values == {}


def test_two_values_of_one_fact_are_unclear_not_picked():
    reading = read("privat, aber über die Firma", "customer_type")
    assert "customer_type" not in reading.values
    assert reading.unclear == {"customer_type"}


def test_ne_as_an_article_is_no_answer():
    assert read("hab ne frage", "has_login").values == {}


def test_the_shop_is_not_a_business_contract():
    assert read("Ich war im Telekom Geschäft, die haben mich hergeschickt").values == {}


@pytest.mark.parametrize(
    "text",
    [
        "Früher hatte ich einen Geschäftskundenvertrag, jetzt bin ich Privatkunde und kann mich nicht "
        "als Vertragsinhaber verknüpfen",
        "wir sind letztes Jahr von Business zu privat gewechselt",
        "unter meiner Kundennummer laufen privat und geschäftlich Verträge unter einer Kundennummer",
        "war mal Firmenkunde",
    ],
)
def test_former_business_customers_are_not_business_customers(text):
    reading = read(text)
    assert reading.values.get("business_history") == "ja"
    assert reading.values.get("customer_type") != "geschaeft"


def test_a_long_text_without_facts_sets_none():
    reading = read("Ich bin seit Jahren Kunde und ärgere mich sehr. " * 40, "same_name")
    assert reading.values == {}


@pytest.mark.parametrize(
    "text",
    [
        "ich kann meinen Vertrag nur als Nutzer verknüpfen",
        "als Vertragsinhaber verknüpfen klappt nicht",
        "es wird jedes mal nur als Nutzer angelegt",
        "zum Schluss wurde mein Vertrag wieder nur als Nutzer verknüpft",
    ],
)
def test_linking_offered_only_as_user(text):
    assert read(text).values.get("only_user_possible") == "ja"


@pytest.mark.parametrize(
    "text",
    [
        "ich bin nur als Nutzer verknüpft",
        "bei mir steht überall Nutzer",
        "meine Karte ist leider bloß als Nutzer eingetragen",
        "Verknüpft ist er schon, aber davor steht nur Nutzer",
        "Es gibt eine Verknüpfung, da steht aber lediglich Nutzer dran.",
        "im Kundencenter hab ich nur eine Nutzer-Verknüpfung",
        "die Rolle ist Nutzer, nicht Inhaber",
    ],
)
def test_what_the_page_shows_is_not_an_attempt_to_link(text):
    assert read(text).values.get("only_user_possible") != "ja"


@pytest.mark.parametrize(
    "text",
    [
        "Die alte Verknüpfung habe ich gestern gelöscht, jetzt klappt es nur als Nutzer.",
        "meine bisherige Verbindung ist entfernt",
    ],
)
def test_a_deleted_old_link_says_nothing_about_other_links(text):
    assert "other_link" not in read(text).values


@pytest.mark.parametrize(
    "word, meant", [("Pirvatkunde", "privat"), ("prvat", "privat"), ("gescheftskunde", "geschaeft")]
)
def test_typos_of_keywords_are_read_as_the_keyword(word, meant):
    assert read(word, "customer_type").values == {"customer_type": meant}


def test_inflections_are_not_typos():
    assert "has_login" in read("ich nutze den Login").values
    assert read("ich nutze den Login").values.get("link_status") is None


@pytest.mark.parametrize(
    "text",
    [
        "Meine Tochter meint, es könnte ein Firmenvertrag sein, weiß ich aber nicht.",
        "der Typ im Laden sagte, das sei wohl gewerblich",
    ],
)
def test_hearsay_is_no_customer_type(text):
    assert "customer_type" not in read(text).values


def test_a_contract_on_the_customer_personally_names_the_holder_not_the_type():
    reading = read("Die Verträge sind alle auf mich persönlich angemeldet.")
    assert "customer_type" not in reading.values


def test_a_login_that_works_beside_a_nicht_leaves_the_login_to_its_question():
    reading = read("Das Postfach gibt es nicht mehr, meinen Login hab ich, das Anmelden klappt.")
    assert reading.values.get("has_login") != "nein"
