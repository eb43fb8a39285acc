"""Link speed on synthetic corpora: time, peak memory, planted-pair recall vs exhaustive cdist.

Each corpus has N articles of ~30 sentences. Articles come in stories of five
outlets; each story has six facts, and every article of the story reports each
fact in its own paraphrase (numbers reformatted ``11000``/``11.000``/``11 000``/
``11,000``, words reordered, a word replaced by a synonym, a word dropped). The
other sentences are filler drawn from a Zipf-distributed vocabulary. Planted
pairs are the paraphrases of one fact in two articles.

The linker runs end to end on a file database (normalise, candidates, score,
store). The exhaustive reference scores every sentence against every other with
``rapidfuzz.process.cdist`` (``token_sort_ratio`` on the same normalised text) and
keeps, like the linker, the top 3 per other document; it runs on a sample of
planted pairs for the big sizes, and its full time is extrapolated from the sample.
Each size runs in its own process so the peak memory (max RSS) is that size's.

    python benchmarks/link_speed.py --sizes 1000,10000
    python benchmarks/link_speed.py --sizes 1000,10000 --max-per-sentence 10 --candidates 20
    python benchmarks/link_speed.py --sizes 2000 --scored 0    # full score for every candidate
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store.db import connect, write  # noqa: E402
from store.linking.candidates import DEFAULT_PER_SENTENCE  # noqa: E402
from store.linking.features import build_corpus  # noqa: E402
from store.linking.normalize import STOPWORDS  # noqa: E402
from store.linking.score import DEFAULT_FLOOR  # noqa: E402
from store.linking.suggest import (  # noqa: E402
    DEFAULT_MAX_PER_SENTENCE,
    DEFAULT_SCORED_PER_SENTENCE,
    LinkSettings,
    link_documents,
    load_documents,
)

SENTENCES_PER_ARTICLE = 30
OUTLETS_PER_STORY = 5
FACTS_PER_STORY = 6
TOP_K = 3


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    """Most frequent first: function words (as in real text), then invented content words."""
    syllables = [a + b for a in "bdfgklmnprstvwz" for b in ("a", "e", "i", "o", "u", "ei", "au")]
    function_words = sorted(STOPWORDS)
    rng.shuffle(function_words)
    words: set[str] = set()
    while len(words) < size - len(function_words):
        words.add("".join(rng.choices(syllables, k=rng.randint(2, 4))))
    content = sorted(words)
    rng.shuffle(content)
    return function_words + content


def _content_last(words: list[str]) -> list[str]:
    """Words reordered so a content word ends the sentence, as in real text.

    A function word before the full stop could read as an abbreviation ("so.",
    "do.") and merge two generated sentences, which would lose a planted pair.
    """
    content = [w for w in words if w not in STOPWORDS]
    if not content or words[-1] not in STOPWORDS:
        return words
    last = content[-1]
    index = len(words) - 1 - words[::-1].index(last)
    return [*words[:index], *words[index + 1 :], last]


def _number_variants(value: int) -> list[str]:
    text = str(value)
    groups = []
    while text:
        groups.insert(0, text[-3:])
        text = text[:-3]
    if len(groups) == 1:
        return [groups[0]]
    return [".".join(groups), " ".join(groups), ",".join(groups), "".join(groups)]


Generated = tuple[
    list[tuple[str, str, str]], list[tuple[int, int, int]], dict[tuple[int, int], str]
]


def generate(articles: int, seed: int) -> Generated:
    """Articles (name, outlet, text), planted pairs (fact, article a, article b), fact texts."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 30_000)
    ranks = np.arange(1, len(vocabulary) + 1)
    cumulative = np.cumsum(1 / ranks)
    cumulative /= cumulative[-1]
    np_rng = np.random.default_rng(seed)

    def zipf_words(count: int) -> list[str]:
        return [vocabulary[i] for i in np.searchsorted(cumulative, np_rng.random(count))]

    synonyms = {w: rng.choice(vocabulary[200:]) for w in vocabulary[200:3000]}
    result: list[tuple[str, str, str]] = []
    facts_of: list[list[int]] = []
    fact_texts: dict[tuple[int, int], str] = {}
    stories = math.ceil(articles / OUTLETS_PER_STORY)
    fact_id = 0
    for story in range(stories):
        names = [rng.choice(vocabulary).capitalize() for _ in range(4)]
        facts = []
        for _ in range(FACTS_PER_STORY):
            words = zipf_words(rng.randint(7, 12))
            facts.append((fact_id, words, rng.choice(names), rng.randint(2, 90_000)))
            fact_id += 1
        for outlet in range(OUTLETS_PER_STORY):
            if len(result) >= articles:
                break
            sentences = []
            for fid, words, name, value in facts:
                words = [synonyms.get(w, w) if rng.random() < 0.15 else w for w in words]
                if len(words) > 6:
                    words.pop(rng.randrange(len(words)))
                cut = rng.randrange(1, len(words))
                if rng.random() < 0.5:
                    words = words[cut:] + words[:cut]
                number = rng.choice(_number_variants(value))
                sentence = " ".join([name, *words[:3], number, *_content_last(words[3:])])
                sentence = sentence[0].upper() + sentence[1:] + "."
                sentences.append(sentence)
                facts_of.append([fid, len(result)])
                fact_texts[(fid, len(result))] = sentence
            for _ in range(SENTENCES_PER_ARTICLE - FACTS_PER_STORY):
                words = _content_last(zipf_words(rng.randint(8, 20)))
                sentences.append(" ".join(words).capitalize() + ".")
            rng.shuffle(sentences)
            result.append((f"s{story}-o{outlet}.txt", f"outlet{outlet}", " ".join(sentences)))
    by_fact: dict[int, list[int]] = {}
    for fid, article in facts_of:
        by_fact.setdefault(fid, []).append(article)
    planted = [
        (fid, a, b)
        for fid, members in by_fact.items()
        for i, a in enumerate(members)
        for b in members[i + 1 :]
    ]
    return result, planted, fact_texts


def cpu_seconds() -> float:
    """User + system time of this process and its finished worker processes: on a
    shared machine the wall-clock time says little without it."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def run_one(size: int, seed: int, sample: int, settings: LinkSettings) -> dict[str, float]:
    articles, planted, fact_texts = generate(size, seed)
    with tempfile.TemporaryDirectory() as folder:
        db = connect(Path(folder) / "speed.db")
        from store.documents import insert_document
        from store.formats import ParsedArticle
        from store.segment import split_sentences

        with write(db):
            for name, outlet, text in articles:
                doc_id = insert_document(
                    db, ParsedArticle(name, text, outlet=outlet, language="de")
                )
                db.conn.executemany(
                    'INSERT INTO sentences (doc_id, start, "end") VALUES (?, ?, ?)',
                    [(doc_id, s, e) for s, e in split_sentences(text)],
                )
        started = time.perf_counter()
        cpu_started = cpu_seconds()
        report = link_documents(db, settings=settings)
        seconds = time.perf_counter() - started
        link_cpu = cpu_seconds() - cpu_started
        load = os.getloadavg()[0]
        stored_rows = db.conn.execute(
            "SELECT a_doc, a_start, b_doc, b_start FROM all_links"
        ).fetchall()
        documents = load_documents(db)
        db.close()
    corpus = build_corpus(documents, workers=settings.workers)
    texts = corpus.texts
    doc_of = np.fromiter((r.doc_id for r in corpus.refs), dtype=np.int64)
    position = {(r.doc_id, r.start): i for i, r in enumerate(corpus.refs)}
    stored_pairs = set()
    for a_doc, a_start, b_doc, b_start in stored_rows:
        i, j = position[(a_doc, a_start)], position[(b_doc, b_start)]
        stored_pairs.add((min(i, j), max(i, j)))
    # Documents load in id order, which is the generation order of the articles.
    by_text = {
        (number, corpus.quotes[i]): i
        for i, ref in enumerate(corpus.refs)
        for number in [ref.doc_id - documents[0].doc_id]
    }
    sentence_of_fact = {
        key: by_text[(key[1], text)]
        for key, text in fact_texts.items()
        if (key[1], text) in by_text
    }
    planted = [
        p for p in planted if (p[0], p[1]) in sentence_of_fact and (p[0], p[2]) in sentence_of_fact
    ]
    checks = planted if len(planted) <= sample else random.Random(seed).sample(planted, sample)
    ours = exhaustive = 0
    cdist_seconds = 0.0
    pairs_scored = 0
    for fid, a, b in checks:
        x, y = sentence_of_fact[(fid, a)], sentence_of_fact[(fid, b)]
        key = (x, y) if x < y else (y, x)
        ours += key in stored_pairs
        tick = time.perf_counter()
        row = process.cdist([texts[x]], texts, scorer=fuzz.token_sort_ratio, workers=-1)[0]
        cdist_seconds += time.perf_counter() - tick
        pairs_scored += len(texts)
        same_doc = doc_of == doc_of[y]
        better = int(np.count_nonzero(row[same_doc] > row[y]))
        exhaustive += better < TOP_K
    per_pair = cdist_seconds / max(pairs_scored, 1)
    total_pairs = len(texts) * (len(texts) - 1) / 2
    return {
        "articles": size,
        "sentences": report.sentences,
        "candidates": report.candidates,
        "scored": report.scored,
        "suggestions": report.suggestions,
        "link_seconds": seconds,
        "link_cpu_seconds": link_cpu,
        "load_average": load,
        "store_seconds": report.store_seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "checked_pairs": len(checks),
        "recall_linker": ours / len(checks),
        "recall_exhaustive": exhaustive / len(checks),
        "exhaustive_seconds_estimate": per_pair * total_pairs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", default="1000,10000,50000", help="article counts, comma-separated"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=400, help="planted pairs checked per size")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_FLOOR,
        help=f"stored minimum score, as claimdesk link --threshold (default {DEFAULT_FLOOR})",
    )
    parser.add_argument(
        "--max-per-sentence",
        type=int,
        default=DEFAULT_MAX_PER_SENTENCE,
        help=f"as claimdesk link --max-per-sentence (default {DEFAULT_MAX_PER_SENTENCE})",
    )
    parser.add_argument(
        "--candidates",
        type=int,
        default=DEFAULT_PER_SENTENCE,
        help=f"as claimdesk link --candidates (default {DEFAULT_PER_SENTENCE})",
    )
    parser.add_argument(
        "--scored",
        type=int,
        default=DEFAULT_SCORED_PER_SENTENCE,
        help="candidates per sentence given the full score, best by word overlap; 0: all"
        f" (default {DEFAULT_SCORED_PER_SENTENCE})",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    settings = LinkSettings(
        floor=args.threshold,
        max_per_sentence=args.max_per_sentence,
        per_sentence=args.candidates,
        scored_per_sentence=args.scored or None,
    )
    if args.one:
        print(json.dumps(run_one(args.one, args.seed, args.sample, settings)))
        return 0
    print(
        f"settings: threshold {args.threshold}, max per sentence {args.max_per_sentence},"
        f" candidates {args.candidates}, fully scored {args.scored or 'all'},"
        f" workers {settings.workers}"
    )
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        output = subprocess.run(
            [
                sys.executable,
                __file__,
                "--one",
                str(size),
                "--seed",
                str(args.seed),
                "--sample",
                str(args.sample),
                "--threshold",
                str(args.threshold),
                "--max-per-sentence",
                str(args.max_per_sentence),
                "--candidates",
                str(args.candidates),
                "--scored",
                str(args.scored),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        result = json.loads(output.strip().splitlines()[-1])
        results.append(result)
        print(json.dumps(result), file=sys.stderr)
    print(
        "| articles | sentences | candidates | fully scored | suggestions | link time (s)"
        " | CPU (s) | load average | of which storing (s)"
        " | peak RSS (MB) | planted recall linker | exhaustive | ratio"
        " | exhaustive time est. (s) | speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        ratio = r["recall_linker"] / r["recall_exhaustive"] if r["recall_exhaustive"] else 0.0
        print(
            f"| {r['articles']:,} | {r['sentences']:,} | {r['candidates']:,} |"
            f" {r['scored']:,} | {r['suggestions']:,} | {r['link_seconds']:.1f} |"
            f" {r['link_cpu_seconds']:.1f} | {r['load_average']:.1f} | {r['store_seconds']:.1f} |"
            f" {r['peak_mb']:.0f} | {r['recall_linker']:.3f} |"
            f" {r['recall_exhaustive']:.3f} | {ratio:.3f} | {r['exhaustive_seconds_estimate']:.0f}"
            f" | {r['exhaustive_seconds_estimate'] / r['link_seconds']:.0f}x |"
        )
    if len(results) >= 2:
        xs = np.log([r["articles"] for r in results])
        ys = np.log([r["link_seconds"] for r in results])
        slope = float(np.polyfit(xs, ys, 1)[0])
        print(f"\nfitted time exponent (link time ~ articles^k): k = {slope:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
