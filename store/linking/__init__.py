"""Linking reports of the same fact across outlets: suggestions, decisions and clusters.

| module          | holds                                                              |
|-----------------|--------------------------------------------------------------------|
| ``numbers``     | number values whatever their spelling, ranges, scale words         |
| ``normalize``   | matching tokens: folding, lemmas, numbers, months, stopwords       |
| ``features``    | the corpus as weighted token sets (IDF on the linked corpus)       |
| ``candidates``  | prefix-filtered candidate pairs, without all-pairs comparison      |
| ``score``       | the combined score (weighted cosine, rapidfuzz, number agreement)  |
| ``languages``   | cross-language document cosines on the same-language scale         |
| ``learning``    | fitting the score's mix to accepted and rejected links (to rank)   |
| ``clauses``     | where a multi-fact sentence divides into clauses                   |
| ``context``     | anaphoric sentences and the tokens they borrow from the one before |
| ``units``       | scoring pairs through clauses and borrowed context                 |
| ``suggest``     | ``claimdesk link``: compute and store suggestions idempotently     |
| ``decisions``   | accept / reject / manual links, review queue, live suggestions     |
| ``clusters``    | facts as connected components, disagreements, merge conflicts      |
| ``gold``        | the gold file, its mapping to stored sentences, quality measures   |
"""
