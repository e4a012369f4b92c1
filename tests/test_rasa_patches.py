"""rasa_patches: nothing on import, one explicit apply, once, for the pinned Rasa only."""

import subprocess
import sys
from pathlib import Path

import pytest

import rasa_patches

ROOT = Path(__file__).resolve().parents[1]

# Run in a fresh interpreter: this test session may have applied the patches already.
FRESH = """
import logging, sys
logging.basicConfig(level=logging.INFO, stream=sys.stdout, format="%(name)s %(message)s")
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.core.tracker_store import SQLTrackerStore
import rasa_patches
print("after import:", DaskGraphRunner.run.__module__, SQLTrackerStore.save.__module__)
print("first:", rasa_patches.apply())
print("second:", rasa_patches.apply())
print("after apply:", DaskGraphRunner.run.__module__, SQLTrackerStore.save.__module__)
"""


@pytest.fixture(scope="module")
def fresh_output():
    result = subprocess.run(
        [sys.executable, "-c", FRESH], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_importing_the_package_changes_nothing(fresh_output):
    assert "after import: rasa.engine.runner.dask rasa.core.tracker_store" in fresh_output


def test_apply_patches_each_once_and_logs_one_line_per_patch(fresh_output):
    names = tuple(rasa_patches.patch_name(m) for m in rasa_patches.PATCHES)
    assert f"first: {names}" in fresh_output
    assert "second: ()" in fresh_output
    assert "after apply: rasa_patches.graph_runner rasa_patches.sql_saving" in fresh_output
    logged = [line for line in fresh_output if line.startswith("rasa_patches Rasa 3.6.21 patched:")]
    assert [line.split(":")[1].strip() for line in logged] == list(names)


def test_another_rasa_version_is_refused_with_what_to_do():
    with pytest.raises(rasa_patches.UnsupportedRasaVersion, match=r"Rasa 3\.6\.21.*Rasa 3\.7\.0"):
        rasa_patches.apply("3.7.0")


def test_every_patch_module_is_listed_and_says_what_it_changes():
    modules = sorted(p.stem for p in (ROOT / "rasa_patches").glob("*.py") if p.stem != "__init__")
    assert sorted(rasa_patches.patch_name(m) for m in rasa_patches.PATCHES) == modules
    for module in rasa_patches.PATCHES:
        assert callable(module.apply)
        assert len((module.__doc__ or "").strip().splitlines()) > 3
