"""Editors' decisions that clustering must obey, whatever the similarities say.

An editor who splits two documents expects them never to meet again in one cluster (not directly,
not through a third document, not through the canonical choice); one who merges a group expects
it to stay merged; one who picks a canonical expects it to stay the canonical. The decisions
themselves live with the editors' tools (the ``decisions`` table); ``run_dedup`` takes them as
this small value and records ``editor`` as the method of every member placed by one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Constraints:
    """Decisions by document id.

    Attributes:
        apart: pairs that are never in one cluster (an apart pair wins over a together group).
        together: groups that always form one cluster (groups sharing a document are joined).
        canonical: documents that are their cluster's canonical whenever they are in one with
            documents not chosen (two chosen documents in one group: the policy picks among them).

    Example:
        >>> Constraints.of(apart=[(1, 2)], together=[(3, 4, 5)], canonical=[4]).is_apart(2, 1)
        True
    """

    apart: frozenset[frozenset[int]] = frozenset()
    together: tuple[frozenset[int], ...] = ()
    canonical: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, apart: Iterable[Iterable[int]] = (), together: Iterable[Iterable[int]] = (),
           canonical: Iterable[int] = ()) -> "Constraints":
        """Constraints from plain iterables (pairs, groups, ids); self-pairs and lone ids are ignored."""
        pairs = frozenset(frozenset(pair) for pair in apart if len(set(pair)) == 2)
        return cls(pairs, _joined(frozenset(group) for group in together if len(set(group)) > 1),
                   frozenset(canonical))

    def __bool__(self) -> bool:
        return bool(self.apart or self.together or self.canonical)

    def is_apart(self, a: int, b: int) -> bool:
        return frozenset((a, b)) in self.apart

    def documents(self) -> set[int]:
        """Every document a decision names: these are re-clustered on every run that has decisions."""
        return {doc for pair in self.apart for doc in pair} | {doc for group in self.together for doc in group} \
            | set(self.canonical)

    def together_of(self) -> dict[int, frozenset[int]]:
        """Each grouped document's whole group."""
        return {doc: group for group in self.together for doc in group}


def _joined(groups: Iterable[frozenset[int]]) -> tuple[frozenset[int], ...]:
    """Groups that share a document become one (a merge of a merge is one merge)."""
    merged: list[set[int]] = []
    for group in groups:
        touching = [found for found in merged if found & group]
        union = set(group).union(*touching)
        merged = [found for found in merged if not found & group] + [union]
    return tuple(sorted((frozenset(group) for group in merged), key=min))
