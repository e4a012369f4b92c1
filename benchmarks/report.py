"""docs/benchmarks.md: one section per benchmark, each rewritten by its own run."""

import re
import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def write_section(path: Path, section: str, text: str) -> None:
    """Replace the section `## <section>` in path, or append it; other sections stay."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    heading = re.compile(rf"^## {re.escape(section)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if heading.search(old):
        new = heading.sub(lambda _: text + "\n", old, count=1).rstrip("\n") + "\n"
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new)


@contextmanager
def work_folder(prefix: str, keep: bool, label: str) -> Iterator[Path]:
    """A temp folder for one benchmark run: removed after a run that finished, kept (and
    shown) after one that failed or when asked to keep it."""
    work = Path(tempfile.mkdtemp(prefix=prefix))
    finished = False
    try:
        yield work
        finished = True
    finally:
        if keep or not finished:
            print(f"{label}: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
