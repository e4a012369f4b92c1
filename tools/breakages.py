"""Deliberate breakages of the answers: each must make the unit tests fail.

A test suite that passes when a step is lost or reworded to its opposite proves nothing.
Each breakage below changes one thing in a copy of the project (rules or texts), runs the
tests of the answers on the copy, and must see them fail. Prints one line per breakage and
exits 1 if any passed unnoticed. Run: `.venv/bin/python tools/breakages.py`.
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import List, Tuple

ROOT = Path(__file__).resolve().parents[1]
RULES = "actions/linking_rules.py"
DOMAIN = "domain.yml"
TESTS = [
    "tests/test_answers.py",
    "tests/test_article.py",
    "tests/test_linking_rules.py",
    "tests/test_actions.py",
]
COPIED = ["actions", "tests", "domain.yml", "pyproject.toml"]

# (what breaks, file, text, replacement)
BREAKAGES: List[Tuple[str, str, str, str]] = [
    (
        "a diagnosis loses a step",
        RULES,
        'id="link_as_owner",\n    steps=("open_login_links", "link_as_owner"),',
        'id="link_as_owner",\n    steps=("open_login_links",),',
    ),
    (
        "two steps swapped",
        RULES,
        'steps=("delete_user_link", "open_login_links", "link_as_owner"),',
        'steps=("open_login_links", "delete_user_link", "link_as_owner"),',
    ),
    (
        "a note missing",
        RULES,
        'links=(KUNDENCENTER_URL, LOGIN_LINKS_URL),\n    notes=("all_contracts_linked",),',
        "links=(KUNDENCENTER_URL, LOGIN_LINKS_URL),",
    ),
    ("the wrong hand-over", RULES, 'handover="merge",', 'handover="separate",'),
    (
        "the picture lost",
        RULES,
        'notes=("all_contracts_linked",),\n    handover="owner_link_failed",\n    shows_owner_link_picture=True,\n)\n# Bullet 2',
        'notes=("all_contracts_linked",),\n    handover="owner_link_failed",\n)\n# Bullet 2',
    ),
    (
        "a step reworded to the opposite",
        DOMAIN,
        "Ihren Mobilfunkvertrag als Vertragsinhaber/Vertragspartner.",
        "Ihren Mobilfunkvertrag als Nutzer.",
    ),
    (
        "a link mistyped",
        DOMAIN,
        "https://bsp.geschaeftskunden.telekom.de",
        "https://bsp.geschaeftskunde.telekom.de",
    ),
    (
        "an invented link",
        DOMAIN,
        "werden alle bei der ersten Verknüpfung automatisch mit verknüpft.",
        "werden alle bei der ersten Verknüpfung automatisch mit verknüpft: https://www.telekom.de/hilfe",
    ),
    (
        "a step's link dropped",
        DOMAIN,
        "können sie anlegen und löschen:\n        https://www.telekom.de/kundencenter/login-verknuepfungen",
        "können sie anlegen und löschen.",
    ),
    (
        "a hand-over says someone else helps",
        DOMAIN,
        "zusammenfassen kann nur der Kundenservice.",
        "zusammenfassen können Sie selbst.",
    ),
    (
        "a lead says the opposite",
        DOMAIN,
        "Sie haben einen Geschäftskundenvertrag.",
        "Sie haben einen Privatkundenvertrag.",
    ),
    (
        "the delete step after the link step",
        RULES,
        'steps=("delete_stale_owner_link", "open_login_links", "link_current_contract"),',
        'steps=("open_login_links", "link_current_contract", "delete_stale_owner_link"),',
    ),
]


def tests_fail(work: Path) -> bool:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return result.returncode != 0


def caught(work: Path, path: str, text: str, replacement: str) -> bool:
    target = work / path
    original = target.read_text(encoding="utf-8")
    if text not in original:
        raise SystemExit(f"breakage out of date, not found in {path}: {text[:60]!r}")
    target.write_text(original.replace(text, replacement, 1), encoding="utf-8")
    try:
        return tests_fail(work)
    finally:
        target.write_text(original, encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="breakages-") as folder:
        work = Path(folder)
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, work / name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, work / name)
        if tests_fail(work):
            raise SystemExit(
                "the tests fail on the unbroken copy: nothing to learn from the breakages"
            )
        missed = 0
        for what, path, text, replacement in BREAKAGES:
            ok = caught(work, path, text, replacement)
            missed += not ok
            print(f"{'caught' if ok else 'MISSED'}: {what} ({path})", flush=True)
    print(f"{len(BREAKAGES) - missed} of {len(BREAKAGES)} breakages caught")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
