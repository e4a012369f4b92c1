"""Build and package the German spaCy pipeline Rasa's SpacyNLP loads.

No German model can be downloaded on our machines, so the pipeline is made in code:
spaCy's German tokenizer plus the lookup lemmatizer from spacy-lookups-data. It is
packaged the spaCy way (`spacy package`) so it installs like any model package.

Rasa's SpacyNLP lowercases a message before spaCy sees it, and the lookup table has German
nouns only capitalised, so nouns keep their form ("verträge"); verbs and the rest get their
lemma. Adding lowercase forms ("verträge" -> "Vertrag") was measured: validation macro-F1
0.793 -> 0.806, holdout 0.963 -> 0.948 (make bench-nlu). The char n-grams were made from
the lemmas then (config.yml now makes them from the text), so singular and plural
("Vertrag fehlt" / "nicht alle Verträge") became one; the two intents they tell apart,
contract_not_shown and contracts_partially_shown, were that run's weakest. Not taken.

Usage: python tools/build_spacy_de.py OUTPUT_DIR   (prints the path of the sdist)
"""

import sys
from pathlib import Path

import spacy
from spacy.cli.package import package

NAME = "kundencenter_lemma"
VERSION = "1.0.0"


def build(output_dir: Path) -> Path:
    nlp = spacy.blank("de")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
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
