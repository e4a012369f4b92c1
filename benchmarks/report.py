"""docs/benchmarks.md: one section per benchmark, each rewritten by its own run."""
import re
from pathlib import Path


def write_section(path: Path, section: str, text: str) -> None:
    """Replace the section `## <section>` in path, or append it; other sections stay."""
    old = path.read_text() if path.exists() else "# Benchmarks\n"
    heading = re.compile(rf"^## {re.escape(section)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if heading.search(old):
        new = heading.sub(lambda _: text + "\n", old, count=1).rstrip("\n") + "\n"
    else:
        new = old.rstrip("\n") + "\n\n" + text
    path.write_text(new)
