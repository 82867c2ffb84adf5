"""How a spelling names places, actors and subjects, over plain values: folding a spelling
(`fold`), the ids it names in a registry (`resolve`), and whether a fact is about the
subjects asked for (`Subjects`). The registry (`core.registry.Registry`), the full path's
filter (`api.query.wanted`) and the light `history` (`views.light`) all call these, so the
rule of what a subject names is written once. Nothing here imports more than the
standard library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Container, Iterable, Sequence
from typing import NamedTuple

__all__ = ["ID_ROLES", "Subjects", "Unnamed", "fold", "resolve", "subjects"]

#: The roles in a fact's `about` that hold place or actor ids (the others hold text).
ID_ROLES = frozenset(
    {"polity", "party", "theatre", "by", "place", "force", "holder", "actor", "body", "a", "b", "parties", "from"}
)


def fold(name: str) -> str:
    """A spelling reduced for matching: case-folded, accents and punctuation spacing ignored."""
    bare = name.casefold()
    if not bare.isascii():  # ASCII decomposes to itself and has no accents
        bare = "".join(c for c in unicodedata.normalize("NFKD", bare) if not unicodedata.combining(c))
    return " ".join(bare.replace("-", " ").replace("_", " ").split())


def resolve(
    spelling: str, is_id: Callable[[str], bool], entries: Iterable[tuple[str, str, Sequence[str]]]
) -> frozenset[str]:
    """Every place and actor id that `spelling` names among `entries` (id, name, aliases;
    places first, then actors): its id, name or any alias. An exact id (`is_id`)
    names that entry alone (ids are unique; a name or alias may be shared)."""
    if is_id(spelling):
        return frozenset({spelling})
    wanted = fold(spelling)
    return frozenset(
        ident for ident, name, aliases in entries if wanted in {fold(ident), fold(name), *map(fold, aliases)}
    )


class Unnamed(LookupError):
    """A subject spelling that names no place, actor or subject (`args[0]`: the spelling)."""


class Subjects(NamedTuple):
    """The subjects a filter keeps: ids whose facts and parts' facts count (`whole`), ids
    whose own facts count (`direct`), and folded printed subjects (`texts`)."""

    whole: frozenset[str]
    direct: frozenset[str]
    texts: frozenset[str]

    def about(self, refs: Container[str], about: Iterable[Sequence[str]], subject: str, subject_name: str) -> bool:
        """True when a fact with these `refs`, structured fields `about` ((role, value)
        pairs), `subject` and printed `subject_name` is about one of the subjects."""
        if any(ident in refs for ident in self.whole):
            return True
        if any(role in ID_ROLES and value in self.direct for role, value in about):
            return True
        return bool(self.texts) and (fold(subject_name) in self.texts or fold(subject) in self.texts)


def subjects(
    spellings: Iterable[str],
    resolve: Callable[[str], frozenset[str]],
    own: Container[str],
    names: Container[str],
    with_parts: bool = False,
) -> Subjects:
    """What `spellings` name: each a printed subject when its fold is one of the catalogue's
    `names`, and the ids `resolve` gives it; an id with facts of its own (`own`) counts
    directly, else (or `with_parts`) with its parts. Raises `Unnamed` for a spelling that
    names nothing."""
    direct: set[str] = set()
    whole: set[str] = set()
    texts: set[str] = set()
    for spelling in spellings:
        found = resolve(spelling)
        folded = fold(spelling)
        if folded in names:
            texts.add(folded)
        elif not found:
            raise Unnamed(spelling)
        for ident in found:
            (whole if with_parts or ident not in own else direct).add(ident)
    return Subjects(frozenset(whole), frozenset(direct), frozenset(texts))
