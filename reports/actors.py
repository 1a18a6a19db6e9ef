"""Who is named in a sentence: known actors by name, surname, alias ("Kyiv") or adjective
("the Russian delegation"), and names the database does not know yet."""

import re
from dataclasses import dataclass

from .languages import Language


@dataclass(frozen=True)
class KnownActor:
    id: int | None
    name: str
    kind: str
    parent: str = ""


@dataclass(frozen=True)
class Mention:
    name: str  # the actor's name: a known actor's stored name, or the words for a new one
    words: str
    start: int
    end: int
    actor_id: int | None  # None: a new actor
    kind: str = ""


UPPER, LOWER = "A-ZА-ЯЁІЇЄҐ", "a-zа-яёіїєґ'’"
# Two or more capitalised words, Latin or Cyrillic: a name the database may not know.
PROPER_NAME = re.compile(rf"\b[{UPPER}][{LOWER}]+(?:[- ][{UPPER}][{LOWER}]+)+\b")


class ActorIndex:
    """Finds actor mentions in text. Full names and surnames first (a person is the most
    specific claimant), then names, aliases and adjectives of states."""

    def __init__(self, actors: list[KnownActor], lang: Language):
        self.by_name = {a.name: a for a in actors}
        terms: dict[str, KnownActor] = {}
        for actor in actors:
            terms[actor.name] = actor
            if actor.kind in ("official", "person") and " " in actor.name:
                terms.setdefault(actor.name.split()[-1], actor)
        for word, name in {**lang.aliases, **lang.demonyms}.items():
            if name in self.by_name:
                terms.setdefault(word, self.by_name[name])
        self.terms = terms
        # Longest first, so "Vladimir Putin" wins over "Putin" and "United States" over "US".
        alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
        self.pattern = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])") if terms else None

    def mentions(self, text: str) -> list[Mention]:
        """Known actors named in `text`, in order of appearance."""
        if not self.pattern:
            return []
        found = []
        for match in self.pattern.finditer(text):
            actor = self.terms[match.group(1)]
            found.append(
                Mention(
                    actor.name, match.group(1), match.start(), match.end(), actor.id, actor.kind
                )
            )
        return found

    def claimant(self, subject: str) -> Mention | None:
        """The claimant of a clause whose subject is `subject`: a named person before anyone
        else, then the first actor named; else a proper name the database does not know."""
        mentions = self.mentions(subject)
        people = [m for m in mentions if m.kind in ("official", "person")]
        if people:
            return people[0]
        if mentions:
            return mentions[0]
        for match in PROPER_NAME.finditer(subject):
            if match.start() > 0 or " " in match.group(0):
                return Mention(match.group(0), match.group(0), match.start(), match.end(), None)
        return None

    def parent_of(self, name: str) -> str:
        """The state a person speaks for, or the actor itself: sides, for counter-claims."""
        actor = self.by_name.get(name)
        return actor.parent if actor and actor.parent else name
