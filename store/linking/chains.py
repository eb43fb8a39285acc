"""Sentences joined into chains by pairs of them (union-find), for accepted links.

| caller                                   | calls                       |
|------------------------------------------|-----------------------------|
| :func:`store.linking.alignment.implied_pairs` | :meth:`Chains.join`, :meth:`Chains.members` |
| :func:`store.linking.learning.decision_groups` | :meth:`Chains.join`, :meth:`Chains.root` |
"""

from __future__ import annotations


class Chains:
    """Which sentences a set of pairs joins, directly or through others."""

    def __init__(self) -> None:
        self._parent: dict[int, int] = {}

    def root(self, key: int) -> int:
        """The chain's representative; a sentence not seen yet starts a chain of its own."""
        parent = self._parent
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    def join(self, first: int, second: int) -> None:
        self._parent[self.root(first)] = self.root(second)

    def members(self) -> list[list[int]]:
        """Every chain's sentences, in the order they were first seen."""
        chains: dict[int, list[int]] = {}
        for sentence in list(self._parent):
            chains.setdefault(self.root(sentence), []).append(sentence)
        return list(chains.values())
