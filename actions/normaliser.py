"""What a customer's message says about the facts of the linking rules, in any wording.

One reader for every fact value: inflections, compounds, typos, umlauts typed as ae/oe/ue
or left out, du and Sie, colloquial yes and no. It knows which fact the bot asked for, so
a bare "jep" or "nö" answers that fact and nothing else, and it tells a real answer from
"weiß ich nicht", a wish for a person, "das hilft nicht" or a question: none of those is a
"nein". Several mentions of one value are one fact; two different values of one fact are
reported as unclear, never silently picked.

Values are the slot values of domain.yml ("privat", "ja", "nur_nutzer", ...). Nothing here
imports Rasa.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, FrozenSet, Iterable, List, Optional, Pattern, Tuple

YES_NO_FACTS = ("has_login", "number_shown", "same_name", "other_link")


@dataclass(frozen=True)
class Reading:
    values: Dict[str, str] = field(default_factory=dict)
    unclear: FrozenSet[str] = frozenset()
    dont_know: bool = False
    wants_person: bool = False
    unhelpful: bool = False
    question: bool = False

    @property
    def is_non_answer(self) -> bool:
        return self.dont_know or self.wants_person or self.unhelpful


def fold_letters(text: str) -> str:
    """One spelling for "Geschäft", "Geschaeft" and "Geschaft"."""
    text = text.lower().replace("ß", "ss")
    for umlaut, plain in (
        ("ä", "a"),
        ("ö", "o"),
        ("ü", "u"),
        ("ae", "a"),
        ("oe", "o"),
        ("ue", "u"),
    ):
        text = text.replace(umlaut, plain)
    return text


def _words(text: str) -> List[str]:
    """Folded words, and "," where a clause ends: a "nicht" does not reach past it."""
    return [
        ",".strip() if not token[0].isalnum() else token
        for token in re.findall(r"[a-z0-9]+|[,;:.!?]+", fold_letters(text))
    ]


# Words whose typos matter (folded spelling). A longer token one edit away, or two edits
# for long words, is read as the word: "Pirvatkunde", "Gescheftskunde", "Vertragsinhabr".
KEYWORDS = frozenset(
    _words(
        "privat privatkunde privatkundin privatperson privatvertrag privatkunden "
        "geschäftskunde geschäftskundin geschäftskunden geschäftlich geschäftsvertrag "
        "geschäftskundenvertrag gewerblich gewerbe firma firmenvertrag firmenkunde business "
        "selbstständig unternehmen arbeitgeber diensthandy "
        "login account konto zugang zugangsdaten registriert angemeldet eingeloggt anmelden "
        "einloggen kundencenter vertragsinhaber inhaber nutzer rufnummer handynummer nummer "
        "tarifname tarif verknüpfung verknüpfungen verknüpft verträge vertrag kundennummer "
        "angezeigt gekündigt kündigung vertragsübernahme übernommen unterschiedliche "
        "verschiedene denselben gleichen selben namen weiß ahnung sicher mitarbeiter "
        "mitarbeiterin kundenservice menschen früher ehemals gewechselt verknüpfen verknüpfbar "
        "verknüpfung verknüpfungen"
    )
)


def _edit_distance_at_most(a: str, b: str, limit: int) -> bool:
    """Damerau-Levenshtein distance (adjacent swaps count one) within the limit."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: Optional[List[int]] = None
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                previous2 is not None
                and i > 1
                and j > 1
                and char_a == b[j - 2]
                and a[i - 2] == char_b
            ):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return False
        previous2, previous = previous, current
    return previous[-1] <= limit


ENDINGS = frozenset(("", "e", "en", "er", "es", "em", "n", "s", "t", "st", "et", "te", "ten"))


def _inflected(word: str, keyword: str) -> bool:
    """Another form of the keyword, not a typo of it: "nutze"/"nutzer", "verknüpfen"/"verknüpft"."""
    common = 0
    while common < min(len(word), len(keyword)) and word[common] == keyword[common]:
        common += 1
    tails = (word[common:], keyword[common:])
    if "" in tails:
        return max(map(len, tails)) <= 2
    return all(tail in ENDINGS for tail in tails)


def _corrected(word: str) -> str:
    """The keyword a typo was meant to be; an inflection ("nutze", "verknüpfen") stays."""
    if len(word) < 5 or word in KEYWORDS or not word.isalpha():
        return word
    limit = 2 if len(word) >= 12 else 1
    for keyword in KEYWORDS:
        if _inflected(word, keyword):
            continue
        if (keyword[0] == word[0] or keyword[1:3] == word[1:3]) and _edit_distance_at_most(
            word, keyword, limit
        ):
            return keyword
    return word


def normalise(text: str) -> str:
    """Folded words separated by single spaces, with a space at each end."""
    return " " + " ".join(_corrected(word) for word in _words(text)) + " "


def _rx(pattern: str) -> Pattern[str]:
    """A wording on whole words of the normalised text, spelled as the text is folded."""
    return re.compile(r"\b(?:" + fold_letters(pattern.strip()) + r")\b")


# A few words in between: "keinen [richtigen] Login", "alle [laufen auf] mich"; never a
# word that belongs to another fact ("keinen Vertrag im Login" says nothing about a login).
GAP = r"(?:(?!vertr|verkn|nutzer|inhaber)[a-z0-9]+ ){0,4}?"
# Between a negation and a customer type, no other customer type ("nicht privat, geschäftlich").
TYPE_GAP = r"(?:(?!priv|geschaft|firm|gewerb|business)[a-z0-9]+ ){0,3}?"
NEG = (
    r"(?:kein|keine|keinen|keiner|keins|nicht|nie|ohne|weder|nix|nichts|nirgends|nirgendwo|no|not)"
)
# Up to five more words of a negated phrase are consumed, so that its positive tail
# ("nicht alle | auf meinen Namen") is not read again as the opposite.
TAIL = r"(?: [a-z0-9]+){0,5}"
# Any words in between, also across a clause.
WORDS = r"(?:(?:[a-z0-9]+|,) ){0,%d}?"
# In between a wording about other people's contracts: not the customer's own name.
# Words between an attempt to link and "nur Nutzer" that describe the page instead.
STATE_FREE_GAP = r"(?:(?!steht |stehen |ist |sind |status |zeigt |heisst )(?:[a-z0-9]+|,) ){0,5}?"
OTHERS_GAP = r"(?:(?!namen |mich |mir |ich )[a-z0-9]+ ){0,3}?"

BUSINESS_WORD = (
    r"(?:geschäft[a-z]*|gewerb[a-z]*|firm(?:a|en[a-z]*)|business[a-z]*|gmbh|gbr|betrieb[a-z]*|"
    r"selbstständig[a-z]*|selbständig[a-z]*|freiberuf[a-z]*|dienst(?:handy|vertrag|telefon|lich)[a-z]*|"
    r"unternehmen[a-z]*|arbeitgeber[a-z]*|company|corporate|"
    r"(?:unsere[rnm]?|die|der|meine[rnm]?) (?:ug|kg|ohg|ag))"
)
PRIVATE_WORD = r"(?:privat[a-z]*|private|consumer)"

# Phrases that look like facts but are not: the shop ("im Telekom-Geschäft"), a customer's
# own words about what they believe ("ich bin doch Vertragsinhaber"), a link deleted before
# ("nachdem ich die alte Verknüpfung gelöscht habe" says nothing about the links left).
NEUTRAL = [
    # Hearsay is no customer type: "mein Kumpel meinte, das wäre was Geschäftliches".
    _rx(
        r"(?<! ich) (?:meinte|meint|sagte|sagt|glaubt|glaubte|vermutet|vermutete|behauptet|behauptete|"
        r"denkt|dachte)(?: ,)? (?:[a-z]+ ){0,3}?(?:wäre|sei|könnte|ist|war) (?:[a-z]+ ){0,4}?"
        + BUSINESS_WORD
    ),
    _rx(
        r" (?:die |meine |eine |den |meinen )?(?:alte|alten|bisherige|bisherigen|vorherige|vorherigen|frühere|früheren) "
        r"(?:[a-z]+ )?(?:verknüpf[a-z]*|verbindung[a-z]*|link) (?:[a-z]+ ){0,4}?(?:gelöscht|entfernt|aufgehoben|"
        r"getrennt|deleted|removed)(?: hab[a-z]*| hatte| ist| wurde)?"
    ),
    _rx(
        r" (?:im|ins|in den|in dem|zum|beim|vom|den|dem) (?:telekom )?(?:geschäft|laden|shop)(?:e|s|en)? "
    ),
    _rx(
        r" (?:obwohl |dabei |aber )?(?:ich bin|bin ich|ich bin doch|ich bin ja) (?:doch |ja |eigentlich |der |die )*"
        r"(?:vertrags)?inhaber(?:in)? "
    ),
    _rx(
        r" (?:obwohl|dabei|weil|da|wobei) ich (?:doch |ja |eigentlich )?(?:der |die )?(?:vertrags)?inhaber(?:in)? "
        r"(?:bin|wäre)"
    ),
]

HISTORY_GAP = r"(?:(?!vertr|verkn|nutzer|inhaber|jetzt|nun|heute|aber)[a-z0-9]+ ){0,6}?"
# Private and business contracts under one Kundennummer, now or once, or moved from
# business to private: the article's "Bitte beachten". Read before the customer type,
# and its words are not read again as a business contract of today.
BUSINESS_HISTORY = [
    _rx(
        r" (?:früher|ehemal[a-z]*|vorher|damals|bisher|ursprünglich|eigentlich mal|bis vor[a-z]*|"
        r"war|waren|hatte|hatten|liefen|lief|gab es|gab) " + HISTORY_GAP + BUSINESS_WORD
    ),
    _rx(r" mal (?:[a-z]+ )?" + BUSINESS_WORD),
    _rx(
        BUSINESS_WORD + r" " + WORDS % 6 + r"(?:gewechselt|umgestellt|umgezogen|übertragen|"
        r"überführt|umgeschrieben|umgemeldet|gewandelt|umgewandelt|rübergegangen|rübergewechselt)"
    ),
    _rx(
        r" (?:gewechselt|wechsel[a-z]*|umgestellt|umstellung|übertragen|überführt|umgeschrieben) "
        + GAP
        + r"(?:von|vom|aus) (?:dem |der |einem |einer )?"
        + GAP
        + BUSINESS_WORD
    ),
    _rx(
        r" (?:von|vom|aus|from) (?:dem |der |einem |einer )?"
        + GAP
        + BUSINESS_WORD
        + r" "
        + GAP
        + r"(?:zu|zum|in|ins|nach|auf|to) "
        + GAP
        + PRIVATE_WORD
    ),
    _rx(
        PRIVATE_WORD
        + r" "
        + GAP
        + r"(?:und|sowie|als auch|plus) "
        + GAP
        + BUSINESS_WORD
        + r" "
        + WORDS % 7
        + r"(?:kundennummer|kdnr|kunden nummer)"
    ),
    _rx(
        BUSINESS_WORD
        + r" "
        + GAP
        + r"(?:und|sowie|als auch|plus) "
        + GAP
        + PRIVATE_WORD
        + r" "
        + WORDS % 7
        + r"(?:kundennummer|kdnr|kunden nummer)"
    ),
    _rx(
        r" (?:kundennummer|kdnr)(?: [a-z0-9]+){0,6}? "
        + PRIVATE_WORD
        + r" "
        + GAP
        + r"(?:und|sowie|als auch) "
        + GAP
        + BUSINESS_WORD
    ),
]


@dataclass(frozen=True)
class Phrase:
    """A wording of one fact value; `asked_only` wordings mean it only as an answer."""

    fact: str
    value: str
    pattern: Pattern[str]
    asked_only: bool = False


def _phrases(fact: str, rows: Iterable[Tuple[str, str, bool]]) -> List[Phrase]:
    return [Phrase(fact, value, _rx(pattern), asked_only) for value, pattern, asked_only in rows]


LOGIN_WORD = (
    r"(?:login[a-z]*|log in|account[a-z]*|konto|kundenkonto|benutzerkonto|zugang|zugänge|"
    r"zugangsdaten|anmeldedaten|logindaten|telekom login|benutzername)"
)
NUMBER_WORD = r"(?:(?:ruf|handy|telefon|mobil|mobilfunk)?nummer(?!n)[a-z]*|tarif[a-z]*|tarifnamen?|number|tariff)"
FAMILY = (
    r"(?:frau|mann|ehefrau|ehemann|partner[a-z]*|freundin|freund|lebensgefährt[a-z]*|lebenspartner[a-z]*|"
    r"sohn|tochter|kind|kinder|vater|mutter|papa|mama|eltern|oma|opa|bruder|schwester|schwieger[a-z]*|"
    r"ex|chef|arbeitgeber|verstorben[a-z]*|jemand anderen?|anderen person|wife|husband|son|daughter|"
    r"father|mother|familienmitglied[a-z]*)"
)
OWNER_WORD = r"(?:vertragsinhaber[a-z]*|inhaber[a-z]*|vertragspartner[a-z]*|owner)"
SHOWN = (
    r"(?:angezeigt|steh[a-z]*|sichtbar|zu sehen|sieht man|sehe ich|seh ich|da|dabei|drin|drauf|"
    r"aufgeführt|vorhanden|gelistet|erscheint|erscheinen|shown)"
)
MY_NAME = r"(?:auf mich|auf meinen namen|auf meinem namen|auf meine person)"
NOT_THERE = r"(?:nichts|nix|nicht|kein[a-z]*|leer|fehl[a-z]*|weg)"

# Per fact, the wordings in the order they are tried; a match is blanked out before the
# next wording is tried, so negated phrases come first.
PHRASES: List[Phrase] = [
    *_phrases(
        "customer_type",
        [
            (
                "privat",
                r" (?:kein|keine|keinen|nicht|nix|nichts) " + TYPE_GAP + BUSINESS_WORD + TAIL,
                False,
            ),
            (
                "privat",
                BUSINESS_WORD
                + r" "
                + WORDS % 6
                + r"(?:nichts|nix|nicht) (?:zu tun|am hut|damit zu tun)",
                False,
            ),
            (
                "privat",
                r" (?:(?:mit|zu) )?(?:der |einer |dem )?"
                + BUSINESS_WORD
                + r" (?:hat|habe|hab) "
                + WORDS % 3
                + r"(?:nichts|nix)"
                + TAIL,
                False,
            ),
            (
                "privat",
                BUSINESS_WORD
                + r" (?:ist|sind|war) (?:der|die|das|er|es|sie)? ?(?:nicht|nie)"
                + TAIL,
                False,
            ),
            ("geschaeft", r" (?:kein|keine|keinen|nicht) " + TYPE_GAP + PRIVATE_WORD + TAIL, False),
            ("privat", r" " + PRIVATE_WORD + r" ", False),
            (
                "privat",
                # "läuft auf mich persönlich" names the holder, not the kind of contract.
                r" (?:für mich (?:selbst|privat|persönlich)|als person|personal|(?<!auf mich )persönlich) ",
                False,
            ),
            (
                "privat",
                r" (?:ganz )?normale[nrs]? (?:[a-z]+ )?(?:vertrag|kunde|kundin|tarif|handyvertrag|"
                r"mobilfunkvertrag|laufzeitvertrag)(?!ncenter)[a-z]* ",
                False,
            ),
            ("geschaeft", r" " + BUSINESS_WORD + r" ", False),
            (
                "geschaeft",
                r" (?:über|von|auf) (?:die|der|den|meine[rmn]?|unsere[rmn]?) (?:arbeit|firma|job|chef)[a-z]* ",
                False,
            ),
        ],
    ),
    *_phrases(
        "has_login",
        [
            # Read beside a "nicht" nearby: both values then leave the fact to its question.
            (
                "ja",
                r" (?:das )?(?:einloggen|anmelden|login) (?:klappt|funktioniert|geht)(?! nicht| nie)",
                False,
            ),
            ("ja", r" (?:bin|ich bin) (?:[a-z]+ )?(?:eingeloggt|angemeldet)(?! nicht)", False),
            ("nein", r" " + NEG + r" " + GAP + LOGIN_WORD + TAIL, False),
            (
                "nein",
                r" "
                + LOGIN_WORD
                + r" "
                + GAP
                + r"(?:hab[a-z]*|besitz[a-z]*|gibt es|gibts|gibt s|existiert) "
                + GAP
                + r"(?:ich |wir )?(?:kein[a-z]*|nicht|noch nicht|nie) ",
                False,
            ),
            (
                "nein",
                r" (?:nicht|nie|noch nie|noch nicht|nirgends|nirgendwo) "
                + GAP
                + r"(?:registriert|angemeldet|"
                r"eingeloggt|angelegt)" + TAIL,
                False,
            ),
            (
                "nein",
                r" (?:registriert|angemeldet|eingeloggt) "
                + WORDS % 2
                + r"(?:nicht|nie|nirgends|nirgendwo)"
                + TAIL,
                False,
            ),
            ("nein", r" (?:nicht|nie|noch nie) (?:ein)?(?:loggen|anmelden)", False),
            (
                "nein",
                r" (?:muss|müsste|will|möchte|würde) "
                + GAP
                + LOGIN_WORD
                + " "
                + GAP
                + r"(?:erst )?(?:noch )?(?:anlegen|erstellen|machen|einrichten|registrieren)",
                False,
            ),
            (
                "nein",
                r" (?:hab|habe|hab ich|habe ich) (?:selbst |noch |aber |leider )*(?:keinen|keins)"
                + TAIL,
                True,
            ),
            ("nein", r" (?:don t|do not) have (?:an? )?(?:login|account)", False),
            (
                "nein",
                r" (?:besitz[a-z]* ich|hab ich|habe ich) (?:gar |leider |noch |so )*(?:nicht|keinen|keins)",
                True,
            ),
            ("nein", r" (?:noch )?(?:keinen|keins|kein|keine)(?: login| account| zugang)?", True),
            ("nein", r" (?:noch nie|nie|bisher nie|bisher nicht|noch nicht)" + TAIL, True),
            ("ja", r" (?:hab[a-z]*|besitz[a-z]*|nutze|benutze) " + GAP + LOGIN_WORD + " ", False),
            (
                "nein",
                LOGIN_WORD
                + r" "
                + WORDS % 3
                + r"(?:den|das|die|einen) (?:hab|habe) ich (?:noch |leider |aber )*"
                r"(?:nicht|keinen|nie)",
                False,
            ),
            (
                "nein",
                LOGIN_WORD
                + r" "
                + WORDS % 7
                + r"(?:ich )?(?:selbst |selber )?(?:hab|habe) (?:ich )?(?:selbst |selber )?"
                r"(?:keinen|keins)",
                False,
            ),
            (
                "ja",
                r" "
                + LOGIN_WORD
                + r" "
                + GAP
                + r"(?:hab[a-z]*|ist da|ist vorhanden|vorhanden|existiert|"
                r"gibt es|gibts|gibt s|funktioniert|geht|benutze|nutze|eingerichtet|angelegt|erstellt) ",
                False,
            ),
            (
                "ja",
                r" (?:bin|sind|war) " + GAP + r"(?:registriert|angemeldet|eingeloggt|drin) ",
                False,
            ),
            ("ja", r" (?:registriert|angemeldet|eingeloggt) (?:bin|sind) ", False),
            ("ja", r" (?:logge|melde|log|meld) (?:ich )?(?:mich|uns) ", False),
            (
                "ja",
                r" (?:hab|habe) (?:mich|uns) "
                + WORDS % 6
                + r"(?:registriert|angemeldet|eingeloggt)",
                False,
            ),
            ("ja", r" (?:kann|konnte) (?:mich|uns) " + GAP + r"(?:einloggen|anmelden) ", False),
            ("ja", r" (?:einloggen|anmelden) (?:kann|konnte) (?:ich|wir) ", False),
            ("ja", r" (?:i have|got) (?:an? )?(?:account|login) ", False),
            (
                "ja",
                r" (?:besitz ich|besitze ich|hab schon|habe schon|hab ich schon|habe ich schon) ",
                True,
            ),
        ],
    ),
    *_phrases(
        "number_shown",
        [
            (
                "nein",
                r" (?:fehlt|fehlen) (?:beides|beide|alles|komplett)|(?:beides|beide) (?:fehlt|fehlen)",
                False,
            ),
            (
                "nein",
                r" (?:ohne|kein|keine|keinen|weder|nicht|nix|nichts|no) "
                + GAP
                + NUMBER_WORD
                + TAIL,
                False,
            ),
            ("nein", r" " + NUMBER_WORD + r" " + WORDS % 6 + NOT_THERE + TAIL, False),
            ("nein", r" (?:fehlt|fehlen) " + WORDS % 2 + NUMBER_WORD + TAIL, False),
            ("nein", r" nicht (?:zu sehen|sichtbar|da|angezeigt|dabei)", True),
            (
                "nein",
                r" (?:sieht man|man sieht|seh ich|sehe ich|steht|stehen|steht da) (?:da )?(?:kein[a-z]*|nicht|nix) "
                + WORDS % 3
                + NUMBER_WORD,
                False,
            ),
            (
                "nein",
                r" (?:weder noch|nichts davon|keins von beiden|keines von beiden|nicht die spur|fehlanzeige|"
                r"nix|nichts|leer|alles leer|gar nichts|beides nicht|beide nicht)",
                True,
            ),
            (
                "nein",
                r" (?:nur|bloss|lediglich) (?:das wort |der begriff )?nutzer(?: [a-z0-9]+){0,3} (?:sonst )?(?:nichts|nix)",
                True,
            ),
            (
                "ja",
                r" (?:beides|beide) (?:ist|sind|wird|werden) (?:da|sichtbar|angezeigt|zu sehen)",
                False,
            ),
            ("ja", r" (?:mit|inklusive|inkl) (?:der |meiner |einer )?" + NUMBER_WORD + r" ", False),
            ("ja", r" " + NUMBER_WORD + r" " + WORDS % 6 + SHOWN + r" ", False),
            (
                "ja",
                r" " + NUMBER_WORD + r" " + WORDS % 6 + r"tauch[a-z]* " + WORDS % 4 + r"auf",
                False,
            ),
            (
                "ja",
                r" (?:"
                + SHOWN
                + r"|sehe|seh|sieht) "
                + GAP
                + r"(?:die |eine |meine |den )?"
                + NUMBER_WORD
                + r" ",
                False,
            ),
            (
                "ja",
                r" (?:beides|beide|alles|sowohl als auch|wird angezeigt|werden angezeigt|ist da|sind da|"
                r"steht da|stehen da|sichtbar|zu sehen) ",
                True,
            ),
        ],
    ),
    *_phrases(
        "same_name",
        [
            # Another person's phone that runs on the customer's name ("sowohl mein Handy als
            # auch das vom Sohn laufen auf meinen Namen"): the person is no other holder.
            (
                "ja",
                r" sowohl " + WORDS % 8 + r"als auch " + WORDS % 8 + MY_NAME,
                False,
            ),
            (
                "ja",
                r" " + FAMILY + r" " + WORDS % 4 + r"(?:auch|ebenfalls|beide|alle) " + MY_NAME,
                False,
            ),
            (
                "ja",
                r" (?:kein|keiner|keinen|nichts|nix|gar nichts) "
                + WORDS % 5
                + r"(?:auf )?(?:jemand anderen|"
                r"fremde namen|andere namen|anderen namen|einen anderen|eine andere person)" + TAIL,
                False,
            ),
            (
                "ja",
                r" nicht (?:auf |von )?(?:meine[nmrs]? |den |die |der )?" + FAMILY + r" ",
                False,
            ),
            ("nein", r" nicht (?:alle|alles|beide|jeder|jede|ganz|so ganz)" + TAIL, True),
            (
                "nein",
                r" nicht (?:alle|alles|beide) "
                + WORDS % 3
                + r"(?:auf mich|auf meinen namen|meinem namen|mir)"
                + TAIL,
                False,
            ),
            (
                "nein",
                r" nicht "
                + GAP
                + r"(?:derselbe|denselben|demselben|der selbe|den selben|dem selben|"
                r"der gleiche|den gleichen|dem gleichen|gleichen?|selben?)" + TAIL,
                False,
            ),
            (
                "nein",
                r" (?:bis auf|ausser|außer|abgesehen von) (?:einen|einer|eins|einem|den|dem|die) ",
                False,
            ),
            (
                "nein",
                r" (?:verschiedene[nm]?|unterschiedliche[nm]?|andere[nm]?|zwei|mehrere|diverse) "
                r"(?:[a-z]+ )?(?:namen?|personen|leute|familienmitglied[a-z]*) ",
                False,
            ),
            # "zwei Inhaber" may be two owner links; different holders are not.
            (
                "nein",
                r" (?:verschiedene[nm]?|unterschiedliche[nm]?|diverse) (?:vertrags)?inhaber[a-z]* ",
                False,
            ),
            (
                "nein",
                r" (?:auf|lauft|laufen|gehort|gehoren|gehört|gehören|in) "
                + OTHERS_GAP
                + r"(?:meine[nmrs]? |unsere[nmrs]? |die |den |der |dem |einen |eine |einer |my |the )?"
                + FAMILY
                + r" ",
                False,
            ),
            (
                "nein",
                r" (?:von|vom) (?:meine[nmrs]? |unsere[nmrs]? |der |dem )?" + FAMILY + r" ",
                True,
            ),
            (
                "nein",
                r" (?:auf den|unter dem|auf dem) namen (?:meine[rsnm]? |von |vom |der |des |meines )?"
                + FAMILY
                + r" ",
                False,
            ),
            (
                "nein",
                r" namen "
                + WORDS % 4
                + r"(?:nicht (?:dieselben|die selben|gleich|identisch)|verschieden|unterschiedlich)",
                False,
            ),
            ("nein", r" " + FAMILY + r" " + WORDS % 6 + OWNER_WORD, False),
            (
                "nein",
                r" (?:auf sie|auf sich|auf ihn|auf ihren|auf seinen|ihren eigenen|seinen eigenen|"
                r"ihrem eigenen|seinem eigenen) ",
                False,
            ),
            ("nein", r" (?:teils|teilweise|gemischt|nicht ganz|eben nicht)", True),
            ("nein", r" (?:different|other) names? ", False),
            (
                "ja",
                r" (?:alle|alles|beide|die|sie|alle vertrage|sämtliche|all|überall|bei allen) "
                + WORDS % 4
                + r"(?:auf mich|auf meinen namen|auf meinem namen|meinen namen|meinem namen|mein name|auf meine person|"
                r"in my name)",
                False,
            ),
            (
                "ja",
                r" (?:derselbe|denselben|demselben|der selbe|den selben|dem selben|der gleiche|den gleichen|"
                r"dem gleichen|gleicher|gleichen|selber|selben|ein und denselben|dieselbe|derselben) (?:namen?|person) ",
                False,
            ),
            (
                "ja",
                r" (?:auf meinen namen|auf meinem namen|auf mich|mein name|alle mir|gehoren alle mir|gehören alle mir|"
                r"nur ich|nur mich|alles meins|alle meine|in my name)",
                True,
            ),
            (
                "ja",
                r" (?:alle|alles|beide|jedem|allen|ich bin|bin ich) " + WORDS % 4 + OWNER_WORD,
                True,
            ),
            (
                "ja",
                OWNER_WORD
                + r" "
                + WORDS % 4
                + r"(?:bei allen|überall|immer) "
                + WORDS % 2
                + r"ich",
                False,
            ),
            (
                "ja",
                r" (?:bei allen|überall|bei jedem) (?:[a-z]+ ){0,2}?(?:bin ich|stehe ich|steh ich) (?:als )?"
                r"(?:inhaber[a-z]*|eingetragen|drin)",
                False,
            ),
            (
                "ja",
                r" (?:same name|all in my name|alles ist meins|alles meins|alle sind meine|gehören alle mir)",
                False,
            ),
        ],
    ),
    *_phrases(
        "other_link",
        [
            (
                "nein",
                r" "
                + NEG
                + r" "
                + GAP
                + r"(?:andere|anderen|weitere|weiteren|zusätzlich[a-z]*|zweite|"
                r"sonstige|alte|alten) (?:[a-z]+ )?(?:verknüpf[a-z]*|verbindung[a-z]*|kundennummer[a-z]*|eintr[a-z]*)"
                + TAIL,
                False,
            ),
            (
                "nein",
                r" (?:andere|anderen|weitere|weiteren|zusätzliche) (?:[a-z]+ )?(?:verknüpf[a-z]*|"
                r"verbindung[a-z]*) " + WORDS % 5 + r"(?:keine?n?|nicht|nix)" + TAIL,
                False,
            ),
            (
                "nein",
                r" (?:ausser|außer|abgesehen von) " + WORDS % 7 + r"(?:nichts|nix|keine?)" + TAIL,
                False,
            ),
            ("nein", r" no (?:other )?links?", False),
            ("nein", r" weder " + WORDS % 4 + r"noch sonst" + TAIL, False),
            ("nein", r" " + NEG + r" " + GAP + r"(?:verknüpf[a-z]*|verbindung[a-z]*)" + TAIL, True),
            (
                "nein",
                r" (?:nur (?:diese|die|eine|die eine|diese eine|der eine|den einen|meine)|sonst (?:nichts|nix|"
                r"keine[ns]?)|nichts (?:anderes|weiter|sonst|dergleichen)|ansonsten nichts|die seite ist leer|leer|"
                r"da ist nichts|nichts da|gar nichts|nix|null|nicht eine|nicht einer|gar keine[rn]?(?: vorhanden)?|"
                r"keine (?:weitere[n]?|andere[n]?)|keine)",
                True,
            ),
            (
                "nein",
                r" (?:kein|keine|keinen) (?:andere[rn]?|weitere[rn]?) (?:mehr )?(?:da|vorhanden|übrig|drin)",
                False,
            ),
            (
                "ja",
                r" (?:noch|schon|bereits) (?:eine|ne|einen|eins|ein) "
                + GAP
                + r"(?:andere[rn]?|weitere|zweite|"
                r"alte|zusätzliche|fremde) (?:[a-z]+ )?(?:verknüpf[a-z]*|verbindung[a-z]*|eintr[a-z]*|kundennummer) ",
                False,
            ),
            (
                "ja",
                r" (?:eine|ne|einen|eins|ein) (?:andere[rn]?|weitere|zweite|zusätzliche|fremde) (?:[a-z]+ )?"
                r"(?:verknüpf[a-z]*|verbindung[a-z]*|eintr[a-z]*|kundennummer) ",
                False,
            ),
            (
                "ja",
                r" (?:eine|ne|die|einen|ein) alte[nr]? (?:[a-z]+ )?(?:verknüpf[a-z]*|verbindung[a-z]*|eintr[a-z]*) ",
                True,
            ),
            (
                "ja",
                r" (?:andere|weitere|alte|zusätzliche) (?:[a-z]+ )?(?:verknüpf[a-z]*|verbindung[a-z]*) "
                + GAP
                + r"(?:gibt es|gibts|ist|sind|steht|stehen|existier[a-z]*|hab[a-z]*) ",
                False,
            ),
            (
                "ja",
                r" (?:schon|bereits|noch) (?:eine?|ne|zwei|mehrere|was|etwas) "
                + WORDS % 3
                + r"(?:verknüpf[a-z]*|eintr[a-z]*|verbunden)",
                False,
            ),
            (
                "ja",
                r" (?:verknüpfung|verbindung) (?:zu|mit) (?:einer |einem |meinem |meiner )?(?:anderen |weiteren )?"
                r"(?:kundennummer|festnetz|vertrag)",
                False,
            ),
            ("ja", r" (?:another|other) link", False),
            (
                "ja",
                r" (?:da ist|es gibt|gibt es|da steht|steht) (?:noch|schon|bereits) (?:eine?|was|etwas|einer|"
                r"eins|ne|ein anderer|ein alter) ",
                True,
            ),
            ("ja", r" (?:sogar |gleich )?(?:mehrere|zwei|drei|einige)", True),
            (
                "ja",
                r" (?:eine|die|ne) (?:[a-z]+ )?verknüpf[a-z]* "
                + WORDS % 4
                + r"(?:schon|bereits|vorhanden|eingetragen|gibt es)",
                True,
            ),
        ],
    ),
    # Linking offers only "Nutzer": said in so many words, it is not a page that shows "Nutzer"
    # ("die Verknüpfung ist da, aber da steht nur Nutzer", "ist nur als Nutzer verknüpft").
    *_phrases(
        "only_user_possible",
        [
            (
                "ja",
                r" (?:nur|lediglich|bloss|immer nur|ausschliesslich) (?:noch )?(?:als|mit|die option|die auswahl|der option) "
                r"nutzer[a-z]* "
                + WORDS
                % 3
                + r"(?:verknüpfen|verknüpfbar|anlegen|angelegt|hinzufügen|hinzugefügt|auswählen|"
                r"möglich|angeboten|verbinden|registrieren|eintragen)",
                False,
            ),
            (
                "ja",
                r" (?:verknüpf[a-z]*|anlegen|hinzufügen|auswählen|angeboten|angelegt) "
                + STATE_FREE_GAP
                + r"(?:nur|lediglich|bloss|immer nur) (?:noch )?(?:als |mit |die option |die auswahl )?nutzer",
                False,
            ),
            (
                "ja",
                r" (?:nur|immer nur) (?:noch )?(?:als )?nutzer (?:verknüpfbar|möglich|auswählbar)",
                False,
            ),
            (
                "ja",
                r" (?:geht|klappt|funktioniert|gelingt) (?:es |das )?(?:aber |halt |leider )?(?:immer |jedes mal |wieder )*"
                r"nur (?:als|mit) nutzer",
                False,
            ),
            (
                "ja",
                r" (?:wird|werde|werden|wurde|wurden) "
                + WORDS % 3
                + r"(?:immer |jedes mal |wieder )*nur (?:als )?nutzer "
                r"(?:daraus|angelegt|verknüpft|hinzugefügt)",
                False,
            ),
            (
                "ja",
                r" (?:als )?(?:vertrags)?inhaber[a-z]* "
                + WORDS % 3
                + r"(?:zu )?(?:verknüpfen|verknüpfung|hinzufügen|"
                r"anlegen|auswählen) "
                + WORDS % 3
                + r"(?:geht|klappt|funktioniert|ist|lässt sich|kann ich) "
                + WORDS % 2
                + r"(?:nicht|nie|unmöglich)",
                False,
            ),
            (
                "ja",
                r" (?:kann|konnte|lässt sich|lasst sich) "
                + WORDS % 4
                + r"nicht als (?:vertrags)?inhaber[a-z]* "
                r"(?:verknüpfen|hinzufügen|anlegen|verbinden)",
                False,
            ),
            (
                "ja",
                r" (?:can|could) only (?:link|add|connect) "
                + WORDS % 3
                + r"as (?:a )?(?:nutzer|user)",
                False,
            ),
            (
                "ja",
                r" (?:only|just) (?:as )?(?:nutzer|user) (?:is )?(?:possible|available|offered)",
                False,
            ),
            # A link that exists and shows "Nutzer" is what the page shows, not an attempt:
            # with such words, a description the intent took for an attempt is asked about.
            (
                "nein",
                r" (?:ist|sind|bin) (?:[a-z]+ ){0,4}?(?:nur |bloss |lediglich )?"
                r"(?:als )?nutzer (?:verknüpft|eingetragen|hinterlegt|drin|angezeigt|gelistet|aufgeführt)",
                False,
            ),
            (
                "nein",
                r" (?:steht|stehen|steh|zeigt|heisst) (?:[a-z]+ ){0,3}?(?:nur |bloss |lediglich |überall |immer )*"
                r"(?:als |der status |status )?nutzer",
                False,
            ),
            ("nein", r" (?:status|rolle) (?:als |ist |nur |bloss )*nutzer", False),
            ("nein", r" (?:eine|nur eine|ne|meine) nutzer ?verknüpfung", False),
        ],
    ),
    # What the page "Login-Verknüpfungen" shows, as an answer to the bot's question about
    # it; unasked, the problem description (the intent) says it.
    *_phrases(
        "link_status",
        [
            ("keine", r" weder (?:als )?nutzer noch (?:als )?" + OWNER_WORD + TAIL, True),
            (
                "inhaber_ohne_vertrag",
                OWNER_WORD
                + r" "
                + WORDS % 12
                + r"(?:gekündigt[a-z]*|kündigung|übernahme|übernommen[a-z]*|"
                r"vertragsübernahme|kein[a-z]* (?:einzig[a-z]* )?(?:aktiv[a-z]* |laufend[a-z]* )?vertr[a-z]*|"
                r"nicht mehr|nichts mehr|alt|alte|alten|abgelaufen[a-z]*|ausgelaufen[a-z]*|beendet[a-z]*|weg|leer|tot|"
                r"null aktiv[a-z]*|von früher|von damals|längst|cancelled|ohne (?:aktiv[a-z]* |laufend[a-z]* )?vertr[a-z]*)",
                True,
            ),
            (
                "inhaber_ohne_vertrag",
                r" (?:gekündigt[a-z]*|alte[nr]?|abgelaufen[a-z]*|übernommen[a-z]*|leere[nr]?|tote[nr]?|"
                r"owner link) " + WORDS % 6 + r"(?:vertrags)?(?:inhaber[a-z]*|verknüpf[a-z]*|link)",
                True,
            ),
            (
                "gemischt",
                r" (?:teils|teilweise|manche|einige|gemischt|beides|unterschiedlich|ein teil|nur ein teil|"
                r"nicht alle|nich alle|nur einer|nur eins|nur einige|nur manche|einer davon|einer von|"
                r"nur zwei|nur einen|paar|ein paar|die hälfte|hälfte|mixed|some|half|mischmasch|von beidem|"
                r"der rest|die anderen nicht|der andere nicht|der dritte|die dritte|der zweite|mein zweiter|"
                r"zusatzkarte[n]?|nicht bei allen|einer meiner|eins meiner|einer von meinen|"
                r"nur (?:das|der|die|mein|meine) [a-z]+ (?:ist|wird) (?:da|angezeigt|zu sehen))",
                True,
            ),
            (
                "nur_nutzer",
                # "nicht nur Inhaber, auch Nutzer" is a mixed page.
                r" (?:kein|keine|keinen|nirgends|nirgendwo|nicht|nie|no|not) (?!nur |only )"
                r"(?:[a-z]+ ){0,2}?" + OWNER_WORD + TAIL,
                True,
            ),
            (
                "nur_nutzer",
                OWNER_WORD
                + r" "
                + WORDS % 6
                + r"(?:nirgends|nirgendwo|fehlt|nicht|keine?|gibt es nicht)"
                + TAIL,
                True,
            ),
            ("gemischt", OWNER_WORD + r" " + WORDS % 12 + r"nutzer", True),
            ("gemischt", r" nutzer " + WORDS % 8 + OWNER_WORD, True),
            ("nur_nutzer", r" (?:nutzer[a-z]*|user)", True),
            (
                "keine",
                r" (?:gar nichts|nichts|nix|garnix|nada|leer[a-z]*|kein|keine|keinen|nirgends|gar keiner|nothing|"
                r"empty|blank|fehlt|fehlen|gar nicht|überhaupt nicht|nicht mal|nicht da|nicht auf|völlig|komplett)",
                True,
            ),
        ],
    ),
]

# Bare yes and no answer the fact the bot asked for, if it is a yes/no fact.
NO = _rx(
    r" (?:nein|nee+|neein|nö+|noe|no|nope|nah|nada|negativ|leider nicht|auf keinen fall|keinesfalls|"
    r"eher nicht|gar nicht|überhaupt nicht|stimmt nicht|falsch|nicht wirklich|noch nicht|eben nicht|nicht ganz|"
    r"(?:hab|habe|haben|gibt es|gibts|gibt s|tun|sind|werden|laufen|ist|steht|stehen)(?: ich| wir| sie| es| die)? "
    r"(?:leider )?(?:noch )?(?:nicht|nein|keine?n?)) "
)
YES = _rx(
    r" (?:jaa+|jaja|jap|japp|jep|jepp|jup|jupp|jo|joa|jawohl|jawoll|yes|yep|yup|yeah|genau|stimmt|richtig|"
    r"korrekt|klar|sicher|natürlich|logo|absolut|exakt|definitiv|selbstverständlich|allerdings|"
    r"auf jeden fall|so ist es|das stimmt|trifft zu|ist so|tun sie|sind sie|laufen sie|habe ich|hab ich|"
    r"haben wir|gibt es|gibts|ist da|ist vorhanden|sind da|werden angezeigt|glaube schon|glaub schon|"
    r"denke schon|ich glaube ja|ich denke ja|logisch|sowieso|freilich) "
)
# "ja" is also a filler ("das ist ja das Problem"): a yes only at the start.
YES_FIRST_WORDS = re.compile(r"^ (?:[a-z]+ )?ja\b")
# "ne" is also "eine" ("hab ne Frage"): a no only where the message starts with it.
NO_FIRST_WORD = re.compile(r"^ (?:ne|nö|no)\b")
QUESTION_WORD = re.compile(
    r"^ (?:was|wie|wo|wann|warum|wieso|weshalb|wer|wem|wen|welche[rnms]?|what|why|how|where)\b"
)
# "kann mich einloggen" is an answer, "kann ich das löschen?" a question.
ASKING_VERB = re.compile(
    r"^ (?:kann|muss|darf|soll|gehen|geht|werden|wird|bekomme|gibt|ist|sind) (?:ich|man|es|das|die|der|meine)\b"
)
# A short answer is what a bare yes or no is read from; in a long message "nein" and
# "habe ich" are parts of other sentences.
SHORT_ANSWER_WORDS = 6


def _blank(match: "re.Match[str]") -> str:
    return " " * len(match.group(0))


def _find_all(patterns: Iterable[Pattern[str]], text: str) -> Tuple[bool, str]:
    """Whether any pattern matched, and the text with every match blanked out."""
    found = False
    for pattern in patterns:
        text, count = pattern.subn(_blank, text)
        found = found or count > 0
    return found, text


DONT_KNOW = [
    _rx(
        r" (?:weiss|weis|wees|weiß) (?:ich |i )?(?:es |das )?(?:[a-z]+ ){0,2}?(?:nicht|net|nich|nit|nicht so genau) "
    ),
    _rx(r" (?:keine|keinen|kein) (?:ahnung|plan|schimmer|blassen|idee|peil) "),
    _rx(r" (?:k a|ka|kp|idk|dunno|no idea|not sure|no clue) "),
    _rx(r" (?:nicht|net|nich) (?:so |ganz |100 |hundert )?(?:sicher|klar) "),
    _rx(
        r" (?:unsicher|unklar|vielleicht|eventuell|evtl|kann sein|könnte sein|möglicherweise|wahrscheinlich|vermutlich) "
    ),
    _rx(
        r" (?:wo|wie|woran|woher|wodurch) (?:[a-z]+ ){0,4}?(?:sehe|seh|sieht|finde|find|findet|steht|schau[a-z]*|"
        r"guck[a-z]*|erkenne|erkennt|merke|prüfe|raus|nachsehen|nachschauen|weiss|weiß|soll) "
    ),
    _rx(
        r" (?:kann|könnte) ich (?:[a-z]+ ){0,2}?(?:nicht|kaum) (?:sagen|beurteilen|erkennen|sehen|finden) "
    ),
    _rx(
        r" (?:muss|müsste|werde|kann) (?:ich )?(?:erst |mal |erstmal )*(?:nach)?(?:schauen|sehen|gucken|prüfen|checken) "
    ),
    _rx(r" (?:schau|guck|sehe|seh) (?:ich )?(?:mal |gleich |gerade )*nach "),
    _rx(
        r" (?:was|wie) (?:meinen sie|meinst du|ist gemeint|genau ist gemeint|heisst das|heißt das|bedeutet das) "
    ),
    _rx(r" (?:verstehe|versteh) (?:ich )?(?:die frage )?(?:nicht|net) "),
    _rx(r" (?:wo ist das|wo steht das|wo soll das sein|durchblick|überblick) "),
    _rx(
        r" (?:sagt mir nichts|sagt mir nix|keinen (?:überblick|durchblick)|vergessen|weiss ich nicht mehr|"
        r"kann mich nicht erinnern) "
    ),
]
WANTS_PERSON = [
    _rx(
        r" (?:mitarbeiter[a-z]*|mensch|menschen|echte[nrm]? person|person|berater[a-z]*|agent[a-z]*|kundenservice|"
        r"kundendienst|hotline|support|service mitarbeiter[a-z]*|jemand[a-z]*|live chat|kundenberater[a-z]*) "
        r"(?:[a-z]+ ){0,6}?(?:sprechen|reden|verbinden|verbunden|weiterleiten|chatten|schreiben|anrufen|kontaktieren|"
        r"durchstellen|haben|bitte|please) "
    ),
    _rx(
        r" (?:verbind[a-z]*|sprech[a-z]*|red[a-z]*|weiterleit[a-z]*|durchstell[a-z]*|will|möcht[a-z]*|hätte gern[a-z]*|"
        r"brauch[a-z]*|wünsche|talk to|speak to|anrufen) (?:[a-z]+ ){0,5}?(?:mitarbeiter[a-z]*|mensch|menschen|person|"
        r"berater[a-z]*|agent[a-z]*|jemand[a-z]*|kundenservice|kundendienst|hotline|support|human|someone) "
    ),
    _rx(r" (?:ruf|rufe) (?:ich )?(?:da|dort|die|den|beim|bei) (?:[a-z]+ )?an "),
]
UNHELPFUL = [
    _rx(
        r" (?:hilft|hilf|hilfe|bringt|nützt|nutzt) (?:mir |uns |das |alles )*(?:nicht|nichts|nix|null|gar nicht|"
        r"gar nichts|überhaupt nicht|kein stück|wenig) "
    ),
    _rx(r" (?:nicht|wenig|keine) (?:hilfreich|hilfe) "),
    # "nein, das hat leider nicht geholfen": about the bot's last answer, no "nein" to the question.
    _rx(
        r" (?:hat|hatte|haben) (?:[a-z]+ ){0,3}(?:nicht|nichts|nix|kein stück) (?:weiter)?geholfen "
    ),
    _rx(r" (?:schon|alles|längst) (?:[a-z]+ )?(?:probiert|versucht|gemacht|gelesen) "),
    _rx(
        r" (?:keine antwort|damit kann ich nichts anfangen|damit kann ich nix anfangen|kann ich nichts mit anfangen) "
    ),
    _rx(
        r" (?:nutzlos|sinnlos|unbrauchbar|useless|bringt nix|bringt nichts|quatsch|unsinn|blödsinn) "
    ),
    _rx(r" (?:blöd|doof|dumm|schlecht)[a-z]* (?:bot|chatbot|antwort|frage|maschine) "),
    _rx(r" (?:verstehst|versteht) (?:du |sie )?mich (?:nicht|net) "),
]


# When one message gives both values of a fact, the one that rules out the other wins:
# "einer auf mich, einer auf meine Frau" is not "all in the same name".
WINS_WHEN_BOTH = {"same_name": "nein", "number_shown": "nein"}


def _fact_values(text: str, fact: str, asked: Optional[str]) -> List[str]:
    values: List[str] = []
    for phrase in PHRASES:
        if phrase.fact != fact or (phrase.asked_only and asked != fact):
            continue
        text, count = phrase.pattern.subn(_blank, text)
        if count:
            values.append(phrase.value)
    return values


FACTS = tuple(dict.fromkeys(phrase.fact for phrase in PHRASES))


def _yes_or_no(folded: str) -> Optional[str]:
    """ "ja" or "nein" from a bare answer, "unclear" for both, None for neither."""
    said_no, rest = _find_all([NO], folded)
    said_no = said_no or NO_FIRST_WORD.search(folded) is not None
    said_yes = YES.search(rest) is not None or YES_FIRST_WORDS.search(rest) is not None
    if said_yes and said_no:
        return "unclear"
    if said_yes or said_no:
        return "ja" if said_yes else "nein"
    return None


def read(text: str, asked: Optional[str] = None) -> Reading:
    """The facts this message states, and whether it is an answer at all.

    `asked` is the fact the bot asked for in its last message, or None.
    """
    folded = normalise(text)
    _, folded = _find_all(NEUTRAL, folded)
    dont_know, _ = _find_all(DONT_KNOW, folded)
    wants_person, _ = _find_all(WANTS_PERSON, folded)
    unhelpful, _ = _find_all(UNHELPFUL, folded)
    question = QUESTION_WORD.search(folded) is not None or (
        "?" in text and ASKING_VERB.search(folded) is not None
    )
    business_history, folded_for_type = _find_all(BUSINESS_HISTORY, folded)
    # A non-answer or a question of its own answers the open question with nothing, not
    # even with the "nicht" or "nutzer" in it.
    answering = asked if not (dont_know or wants_person or unhelpful or question) else None

    values: Dict[str, str] = {}
    unclear = set()
    for fact in FACTS:
        found = _fact_values(
            folded_for_type if fact == "customer_type" else folded, fact, answering
        )
        distinct = list(dict.fromkeys(found))
        if len(distinct) == 1 or (distinct and fact == "link_status"):
            # What the page shows is read in the order of the wordings: the most specific wins.
            values[fact] = distinct[0]
        elif distinct and fact in WINS_WHEN_BOTH:
            values[fact] = WINS_WHEN_BOTH[fact]
        elif distinct:
            unclear.add(fact)
    if business_history:
        values["business_history"] = "ja"

    # A bare yes or no is a short message, or the first clause of a longer one
    # ("nein, ich krieg nur die Rechnung per Post").
    first_clause = " " + folded.split(",")[0].strip() + " "
    bare = folded if len(folded.split()) <= SHORT_ANSWER_WORDS else first_clause
    if (
        answering in YES_NO_FACTS
        and answering not in values
        and answering not in unclear
        and len(bare.split()) <= SHORT_ANSWER_WORDS
    ):
        answer = _yes_or_no(bare)
        if answer == "unclear":
            unclear.add(answering)
        elif answer:
            values[answering] = answer
    if question and asked:
        # A question in the middle states nothing: "Warum hab ich mehrere Kundennummern?".
        # The first message may well be one: "Warum steht da nur Nutzer?"
        values = {}
        unclear = set()
    if asked and not answering:
        # "Privat, glaube ich, bin mir aber nicht sicher" answers nothing: never guess.
        values.pop(asked, None)
        unclear.discard(asked)

    return Reading(
        values=values,
        unclear=frozenset(unclear),
        dont_know=dont_know,
        wants_person=wants_person,
        unhelpful=unhelpful,
        question=question,
    )
