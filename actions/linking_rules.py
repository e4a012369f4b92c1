"""The help article "Kundencenter: Zugriff auf den Mobilfunkvertrag erlangen" as code.

Facts about the customer go in, exactly one outcome comes out: either the next fact the
rules still need, or a diagnosis with its ordered steps, notes, links and the hand-over
for when the steps did not help. The order of the checks follows the article, so the code
can be read side by side with it. Nothing here imports Rasa.

Steps, notes and hand-overs are keys, not texts: the wording lives in domain.yml
(`step_<key>`, `note_<key>`, `handover_<key>`).
"""

from dataclasses import dataclass
from enum import Enum
from typing import Optional, Tuple, Union

BSP_URL = "https://bsp.geschaeftskunden.telekom.de"
KUNDENCENTER_URL = "https://www.telekom.de/mein-kundencenter"
LOGIN_LINKS_URL = "https://www.telekom.de/kundencenter/login-verknuepfungen"
DELETE_LINK_URL = "https://account.idm.telekom.com/account-manager/associations/index.xhtml"


class CustomerType(str, Enum):
    PRIVAT = "privat"
    GESCHAEFT = "geschaeft"


class LinkStatus(str, Enum):
    """What the page "Login-Verknüpfungen" shows."""

    KEINE = "keine"  # no Mobilfunkvertrag at all
    NUR_NUTZER = "nur_nutzer"  # linked, but "Nutzer" in front of every contract
    GEMISCHT = "gemischt"  # some "Vertragsinhaber", some "Nutzer", or only part shown
    INHABER_OHNE_VERTRAG = "inhaber_ohne_vertrag"  # owner link, no active contract left


@dataclass(frozen=True)
class Facts:
    """What the customer told us; None means not known yet."""

    customer_type: Optional[CustomerType] = None
    has_login: Optional[bool] = None
    link_status: Optional[LinkStatus] = None
    number_shown: Optional[bool] = None  # Nutzer link shows Rufnummer and Tarifname
    same_name: Optional[bool] = None  # all contracts in the same name
    only_user_possible: bool = False  # linking offers only "Nutzer"
    other_link: Optional[bool] = None  # another link exists on the page
    # "Bitte beachten": private and business contracts run or ran under one
    # Mobilfunk-Kundennummer, or the contracts moved from business to private.
    business_history: bool = False


@dataclass(frozen=True)
class Diagnosis:
    id: str
    steps: Tuple[str, ...]
    links: Tuple[str, ...]
    handover: str
    notes: Tuple[str, ...] = ()
    # The goal is a Vertragsinhaber link: the answer shows what one looks like.
    shows_owner_link_picture: bool = False


@dataclass(frozen=True)
class MissingFact:
    """The rules cannot decide before the customer has told us this fact."""

    name: str


Outcome = Union[Diagnosis, MissingFact]

# Geschäftskundenvertrag: the BSP instead of the Kundencenter.
BUSINESS_PORTAL = Diagnosis(
    id="business_portal",
    steps=("open_bsp", "bsp_register"),
    links=(BSP_URL,),
    handover="business",
)
# "Sollten Sie noch keinen Kundencenter-Login besitzen ...": a login first, then bullet 1.
REGISTER_LOGIN = Diagnosis(
    id="register_login",
    steps=("create_login", "open_login_links", "link_as_owner"),
    links=(KUNDENCENTER_URL, LOGIN_LINKS_URL),
    notes=("all_contracts_linked",),
    handover="owner_link_failed",
    shows_owner_link_picture=True,
)
# Bullet 1: no Mobilfunkvertrag shown yet.
LINK_AS_OWNER = Diagnosis(
    id="link_as_owner",
    steps=("open_login_links", "link_as_owner"),
    links=(LOGIN_LINKS_URL,),
    notes=("all_contracts_linked",),
    handover="owner_link_failed",
    shows_owner_link_picture=True,
)
# Bullet 2: "Nutzer" in front of every contract, no Vertragsinhaber.
REPLACE_USER_LINK = Diagnosis(
    id="replace_user_link",
    steps=("delete_user_link", "open_login_links", "link_as_owner"),
    links=(DELETE_LINK_URL, LOGIN_LINKS_URL),
    notes=("all_contracts_linked",),
    handover="owner_link_failed",
    shows_owner_link_picture=True,
)
# Bullet 3: several Kundennummern, all contracts in one name.
MERGE_CUSTOMER_NUMBERS = Diagnosis(
    id="merge_customer_numbers",
    steps=("contact_service_merge",),
    links=(),
    handover="merge",
)
# Bullet 3: several Kundennummern, contracts in different names.
SEPARATE_LOGIN_PER_HOLDER = Diagnosis(
    id="separate_login_per_holder",
    steps=("create_further_login", "open_login_links", "link_other_holder"),
    links=(KUNDENCENTER_URL, LOGIN_LINKS_URL),
    handover="separate",
)
# Bullet 4: a Vertragsinhaber link without active contracts.
REPLACE_STALE_OWNER_LINK = Diagnosis(
    id="replace_stale_owner_link",
    steps=("delete_stale_owner_link", "open_login_links", "link_current_contract"),
    links=(DELETE_LINK_URL, LOGIN_LINKS_URL),
    handover="owner_link_failed",
    shows_owner_link_picture=True,
)
# Bullet 5: a Nutzer link without Rufnummer and Tarifname.
BUSINESS_CONTRACT_SUSPECTED = Diagnosis(
    id="business_contract_suspected",
    steps=("open_bsp", "bsp_register"),
    links=(BSP_URL,),
    handover="business",
)
# Bullet 6 and "Bitte beachten": only "Nutzer" possible although no other link exists, or
# private and business contracts under one Mobilfunk-Kundennummer, now or once.
SPLIT_CUSTOMER_NUMBER = Diagnosis(
    id="split_customer_number",
    steps=("contact_service_split",),
    links=(),
    notes=("moved_from_business",),
    handover="split",
)

DIAGNOSES = (
    BUSINESS_PORTAL,
    REGISTER_LOGIN,
    LINK_AS_OWNER,
    REPLACE_USER_LINK,
    MERGE_CUSTOMER_NUMBERS,
    SEPARATE_LOGIN_PER_HOLDER,
    REPLACE_STALE_OWNER_LINK,
    BUSINESS_CONTRACT_SUSPECTED,
    SPLIT_CUSTOMER_NUMBER,
)
DIAGNOSES_BY_ID = {diagnosis.id: diagnosis for diagnosis in DIAGNOSES}


def diagnose(facts: Facts) -> Outcome:
    """Return the article's answer for these facts, or the fact it still needs."""
    # "Bitte beachten": such a Kundennummer can no longer be linked as Vertragsinhaber,
    # whatever the page shows; and a former business customer is not sent to the BSP.
    if facts.business_history:
        return SPLIT_CUSTOMER_NUMBER
    if facts.customer_type is None:
        return MissingFact("customer_type")
    if facts.customer_type is CustomerType.GESCHAEFT:
        return BUSINESS_PORTAL
    # "Sollten Sie noch keinen Kundencenter-Login besitzen": the login comes first; without
    # one there is no page to look at, whatever a description seemed to say about it.
    if facts.has_login is False:
        return REGISTER_LOGIN

    if facts.only_user_possible:
        no_other_link = facts.other_link is False or facts.link_status is LinkStatus.KEINE
        if no_other_link:
            return SPLIT_CUSTOMER_NUMBER
        if facts.other_link is None and facts.link_status is None:
            return MissingFact("other_link")

    if facts.link_status is None:
        # Whoever could try to link a contract or look at the page has a login.
        if facts.has_login is None and not facts.only_user_possible:
            return MissingFact("has_login")
        return MissingFact("link_status")

    if facts.link_status is LinkStatus.KEINE:
        return LINK_AS_OWNER
    if facts.link_status is LinkStatus.NUR_NUTZER:
        if facts.number_shown is None:
            return MissingFact("number_shown")
        return REPLACE_USER_LINK if facts.number_shown else BUSINESS_CONTRACT_SUSPECTED
    if facts.link_status is LinkStatus.GEMISCHT:
        if facts.same_name is None:
            return MissingFact("same_name")
        return MERGE_CUSTOMER_NUMBERS if facts.same_name else SEPARATE_LOGIN_PER_HOLDER
    return REPLACE_STALE_OWNER_LINK
