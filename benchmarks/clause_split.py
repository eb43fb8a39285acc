"""Clause splitting with and without its pre-check: CPU time and whether the spans are the same.

``clauses.clause_spans`` first rules out sentences that hold none of the split
pattern's marks (``clauses.may_split``); the full scan runs the pattern over every
sentence. Both run over the sentences of the synthetic ``link_speed.py`` corpus and
of a real news corpus (JSON lines with ``text``), in German and English; every
sentence's spans must be the same.

    python benchmarks/clause_split.py                        # 10,000 synthetic articles
    python benchmarks/clause_split.py --size 2000 --corpus ../shared/corpora/gnad10k-test.jsonl
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import link_speed  # noqa: E402

from store.linking import clauses  # noqa: E402
from store.linking.normalize import is_name  # noqa: E402
from store.segment import split_sentences  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "gnad10k-test.jsonl"
Sentence = tuple[str, int, int]


def _sentences(texts: list[str]) -> list[Sentence]:
    return [(text, start, end) for text in texts for start, end in split_sentences(text)]


def _spans(sentences: list[Sentence], language: str) -> tuple[float, list[list[tuple[int, int]]]]:
    started = time.process_time()
    found = [clauses.clause_spans(text, start, end, language) for text, start, end in sentences]
    return time.process_time() - started, found


def _full_scan(sentence: str) -> bool:
    """The pre-check turned off: every sentence goes through the split pattern."""
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000, help="synthetic articles")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="real news, JSON lines")
    args = parser.parse_args()
    corpora = {"synthetic": _sentences([t for _n, _o, t in link_speed.generate(args.size, 1)[0]])}
    if args.corpus.is_file():
        with args.corpus.open(encoding="utf-8") as lines:
            corpora[args.corpus.name] = _sentences([json.loads(line)["text"] for line in lines])
    else:
        print(f"{args.corpus}: not found, synthetic sentences only")
    # Read the lemma dictionaries first: the content-word count looks names up in them.
    for language in ("de", "en"):
        is_name("Haus", language)
    checked = clauses.may_split
    print("| sentences | language | ruled out | full scan CPU (s) | pre-checked CPU (s) | same |")
    print("|---|---|---:|---:|---:|---|")
    same_everywhere = True
    for name, sentences in corpora.items():
        ruled_out = sum(1 for text, start, end in sentences if not checked(text[start:end]))
        for language in ("de", "en"):
            # Once untimed, so that both timed runs find the name look-ups cached.
            _spans(sentences, language)
            clauses.may_split = _full_scan
            try:
                full_seconds, full = _spans(sentences, language)
            finally:
                clauses.may_split = checked
            checked_seconds, found = _spans(sentences, language)
            same = found == full
            same_everywhere &= same
            print(
                f"| {name}: {len(sentences):,} | {language} | {ruled_out / len(sentences):.0%}"
                f" | {full_seconds:.2f} | {checked_seconds:.2f} | {same} |"
            )
    print(f"\nload average {os.getloadavg()[0]:.1f}")
    return 0 if same_everywhere else 1


if __name__ == "__main__":
    raise SystemExit(main())
