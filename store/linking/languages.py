"""Document cosines across languages, put on the scale of same-language ones.

The document factor (:func:`store.linking.score.document_cosines`) says whether two
articles tell one story by the weighted cosine of their word sets. Two reports of
one event in German and English share only names, figures and a few cognates: on
the development gold their cosine is 0.01-0.09 where two German reports of it
reach 0.3 and more. Used as it is, the factor ranks every cross-language pair
below same-language pairs of unrelated stories, crowds them out of a sentence's
best suggestions and keeps them under any threshold, though their sentences may
be as alike as any.

So a cross-language cosine is divided by how much lower such cosines run in this
corpus: for each document, the cosine of its most related document of each
language (:func:`store.linking.document_pairs.related_documents`); the median of
those best cosines for a language pair against the median for same-language
pairs is the scale. A property of the corpus being linked, fitted to nothing;
a corpus in one language is left as it is (and pays nothing).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from store.linking.features import LinkCorpus

Ints = npt.NDArray[np.int64]


def document_languages(corpus: LinkCorpus) -> list[str]:
    """Each document's language, in document order (documents are contiguous)."""
    if len(corpus.languages) != len(corpus):
        return [""] * len(corpus.documents_view())
    result: list[str] = []
    for index, ref in enumerate(corpus.refs):
        if index == 0 or ref.doc_id != corpus.refs[index - 1].doc_id:
            result.append(corpus.languages[index])
    return result


def language_scales(corpus: LinkCorpus) -> dict[tuple[str, str], float]:
    """For each pair of different languages (sorted), the factor its document cosines get.

    Empty for a corpus in one language. Computed once per corpus and kept.
    """
    if corpus.language_scales is not None:
        return corpus.language_scales
    languages = document_languages(corpus)
    scales: dict[tuple[str, str], float] = {}
    if len(set(languages)) > 1:
        from store.linking.document_pairs import related_documents

        best: dict[tuple[int, str], float] = {}
        for cosine, a, b in related_documents(corpus):
            for own, other in ((a, b), (b, a)):
                key = (own, languages[other])
                best[key] = max(best.get(key, 0.0), cosine)
        same = [c for (d, lang), c in best.items() if languages[d] == lang]
        by_kind: dict[tuple[str, str], list[float]] = {}
        for (d, lang), cosine in best.items():
            if languages[d] != lang:
                kind = (min(languages[d], lang), max(languages[d], lang))
                by_kind.setdefault(kind, []).append(cosine)
        if same:
            reference = float(np.median(same))
            for kind, values in by_kind.items():
                typical = float(np.median(values))
                # Never below 1: a language pair whose reports share more is left as it is.
                scales[kind] = max(1.0, reference / typical) if typical > 0 else 1.0
    corpus.language_scales = scales
    return scales


def cross_language_factors(
    corpus: LinkCorpus, firsts: Ints, seconds: Ints
) -> npt.NDArray[np.float64]:
    """For each pair of document positions, the factor of its language pair (1 within one)."""
    result = np.ones(len(firsts), dtype=np.float64)
    scales = language_scales(corpus)
    if not scales or len(firsts) == 0:
        return result
    languages = document_languages(corpus)
    codes = {lang: i for i, lang in enumerate(sorted(set(languages)))}
    code = np.asarray([codes[lang] for lang in languages], dtype=np.int64)
    table = np.ones((len(codes), len(codes)), dtype=np.float64)
    for (first, second), scale in scales.items():
        table[codes[first], codes[second]] = table[codes[second], codes[first]] = scale
    result[:] = table[code[firsts], code[seconds]]
    return result
