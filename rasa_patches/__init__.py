"""Changes to Rasa's internals, for the pinned Rasa only, applied by one call: `apply()`.

Each module replaces one piece of Rasa 3.6.21 that profiling under load found wasteful and
says in its docstring what Rasa does, what it does instead and what that saved; each has a
test that it gives what Rasa's own code gives. Importing this package changes nothing.
Every connector in channels/ calls `apply()` when Rasa builds it, before the agent is
built, so every Rasa server of the project runs patched, while `rasa train`,
`rasa test` and the benchmarks that train run Rasa as shipped.
"""

import logging
from types import ModuleType
from typing import Dict, Tuple

import rasa

from rasa_patches import (
    action_validation,
    event_lookup,
    fail_closed_store,
    graph_runner,
    sql_saving,
    sqlite_tuning,
)

logger = logging.getLogger(__name__)

PINNED_RASA = "3.6.21"
PATCHES: Tuple[ModuleType, ...] = (
    action_validation,
    event_lookup,
    fail_closed_store,
    graph_runner,
    sql_saving,
    sqlite_tuning,
)
_applied: Dict[str, ModuleType] = {}


class UnsupportedRasaVersion(RuntimeError):
    """The patches were written against another Rasa; applying them could break it."""


def patch_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def apply(rasa_version: str = rasa.__version__) -> Tuple[str, ...]:
    """Apply every patch not applied yet; refuse on a Rasa other than the pinned one.

    Returns the names of the patches applied by this call (none when called again).
    """
    if rasa_version != PINNED_RASA:
        raise UnsupportedRasaVersion(
            f"rasa_patches was written for Rasa {PINNED_RASA}, this is Rasa {rasa_version}: "
            "check each patch against the new Rasa code and its test before changing "
            "PINNED_RASA in rasa_patches/__init__.py."
        )
    applied = []
    for module in PATCHES:
        name = patch_name(module)
        if name in _applied:
            continue
        module.apply()
        _applied[name] = module
        applied.append(name)
        summary = (module.__doc__ or "").strip().splitlines()[0]
        logger.info(f"Rasa {PINNED_RASA} patched: {name}: {summary}")
    return tuple(applied)
