"""Build and package the German spaCy pipeline Rasa's SpacyNLP loads.

No German model can be downloaded on our machines, so the pipeline is made in code:
spaCy's German tokenizer plus the lookup lemmatizer from spacy-lookups-data. It is
packaged the spaCy way (`spacy package`) so it installs like any model package.

Rasa's SpacyNLP lowercases every text before spaCy sees it, and the lookup table knows
German nouns only capitalised: "verträge" stayed "verträge". The table therefore also gets
the lowercase form of every word it lacks in lowercase (none of them is ambiguous), so
"Verträge" and "verträge" both become "Vertrag", as customers write either.

Usage: python tools/build_spacy_de.py OUTPUT_DIR   (prints the path of the sdist)
"""
import gzip
import json
import sys
from importlib import resources
from pathlib import Path

import spacy
from spacy.cli.package import package

NAME = "kundencenter_lemma"
VERSION = "1.1.0"


def add_lowercase_forms(table) -> None:
    lemmas = json.loads(gzip.decompress(
        resources.files("spacy_lookups_data").joinpath("data/de_lemma_lookup.json.gz").read_bytes()))
    for word, lemma in lemmas.items():
        if word.lower() not in lemmas:
            table[word.lower()] = lemma


def build(output_dir: Path) -> Path:
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    add_lowercase_forms(nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup"))
    nlp.meta.update(
        name=NAME,
        version=VERSION,
        description="spaCy blank German tokenizer with the lookup lemmatizer",
    )
    pipeline_dir = output_dir / "pipeline"
    output_dir.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(pipeline_dir)
    package_dir = output_dir / "package"
    package_dir.mkdir(parents=True, exist_ok=True)
    # The function, not the CLI: spaCy 3.4's CLI crashes with the click release Rasa pins.
    package(pipeline_dir, package_dir, name=NAME, version=VERSION, force=True)
    return next((package_dir / f"de_{NAME}-{VERSION}" / "dist").glob("*.tar.gz"))


if __name__ == "__main__":
    print(build(Path(sys.argv[1])))
