"""From a report's text to proposals: pure rules, no database and no model. Each rule is one
function here or in the modules it calls (deadlines, quantities, actors), and each proposal
says which words it came from and which rule made it.

The rules, in the order they run over each line of the report:
- a dateline ("ISTANBUL, June 02 (Reuters) –") names the publisher, the claimant of the
  report's own statements;
- a line ending in ":" that names an actor introduces a list: each item is that actor's claim,
  and a counter-claim after a dash in an item disputes the item's last demand;
- a sentence is cut into clauses at ", while", ", but", "; " (two claimants in one sentence);
- in a clause, an attribution verb with an actor before it makes a claim of what follows it;
  a clause with no subject of its own keeps the claimant of the clause before it;
- a counter verb ("denying", "dismisses as") makes a negated claim that contradicts the claim
  before it it shares most words with; a claim by the other side sharing a word with a claim
  just before it contradicts that one too;
- a sentence with no attribution but a cue of the report's own ("agreement", "lasted") is the
  publisher's claim;
- a promise cue or a deadline phrase makes a follow-up; "within N days" in a proposal or
  condition counts from an event that has not happened, proposed as its own follow-up."""

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pysbd

from .actors import ActorIndex, KnownActor, Mention
from .deadlines import Deadline, find_deadline
from .languages import Language, language
from .proposals import ActorProposal, ClaimProposal, FollowUpProposal, Proposals, Words
from .quantities import find_quantities

DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'-]+,\s+[A-Z][a-z]+\.?\s+\d{1,2}\s+\(([^)]+)\)\s*[–—-]\s*", re.MULTILINE
)
ITEM_LABEL = re.compile(r"^[A-Z][\w &’'/-]{0,40}:\s+")
DASH = re.compile(r"\s[–—-]\s")
# Letters of any script (Latin, Cyrillic…), with apostrophes inside a word.
WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|[’'])*")
QUOTE = re.compile(r"“[^”]*”|\"[^\"]*\"")
SENTENCE_END = (".", "!", "?", "”", '"', ":", ")")
LIST_MARKERS = ("-", "•", "*", "–")
REFERENT_NOUNS = ("charge", "claim", "accusation", "allegation", "assertion")
# Words that carry no subject matter, for the overlap that links a claim to a counter-claim.
STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "their",
        "about",
        "which",
        "would",
        "could",
        "have",
        "been",
        "were",
        "into",
        "over",
        "also",
        "only",
        "both",
        "such",
        "than",
        "them",
        "they",
        "there",
        "what",
        "when",
        "where",
        "will",
        "said",
        "says",
        "more",
        "most",
        "very",
        "other",
        "against",
    ]
)


@dataclass
class Piece:
    """Some words of the report and where they start in it."""

    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def strip(self, chars: str | None = None) -> "Piece":
        left = len(self.text) - len(self.text.lstrip(chars))
        return Piece(self.text.strip(chars), self.start + left)

    def cut(self, start: int, end: int | None = None) -> "Piece":
        return Piece(self.text[start:end], self.start + start)

    def words(self) -> Words:
        return Words(self.text, self.start, self.end)


def propose(
    text: str,
    *,
    dateline: dt.date,
    actors: list[KnownActor],
    tz: ZoneInfo,
    language_code: str = "en",
) -> Proposals:
    """Proposals for the report `text` dated `dateline`, with claimants matched to `actors`.
    Deadlines are the end of their day in `tz`. Nothing is stored."""
    return _Proposer(text, dateline, tz, language(language_code), actors).run()


def split_at(piece: Piece, breaks: tuple[str, ...]) -> list[Piece]:
    """`piece` cut at each of `breaks` (outside quotes), the break words left out."""
    pattern = re.compile("|".join(re.escape(b) for b in breaks))
    quoted = [m.span() for m in QUOTE.finditer(piece.text)]
    parts, last = [], 0
    for match in pattern.finditer(piece.text):
        if any(a <= match.start() < b for a, b in quoted):
            continue
        parts.append(piece.cut(last, match.start()))
        last = match.end()
    parts.append(piece.cut(last))
    return [p.strip(" ,;") for p in parts if p.text.strip(" ,;")]


def content_words(text: str, lang: Language) -> set[str]:
    names = {w.lower() for w in (*lang.aliases, *lang.demonyms)}
    return {
        w.lower().strip("’'").rstrip("s")
        for w in WORD.findall(text)
        if len(w) >= 4 and w.lower() not in STOP and w.lower() not in names
    }


def _sentence_case(text: str) -> str:
    text = text.strip(" ,;–—")
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "”", '"')) else text + "."


def _inside_quote(text: str, position: int) -> bool:
    return any(m.start() < position < m.end() for m in QUOTE.finditer(text))


@dataclass
class _Attribution:
    claimant: Mention | None  # None: the clause has no subject; it keeps the one before
    verb: str
    content: Piece


class _Proposer:
    def __init__(self, text, dateline, tz, lang, actors):
        self.text, self.dateline, self.tz, self.lang = text, dateline, tz, lang
        self.index = ActorIndex(actors, lang)
        self.segmenter = pysbd.Segmenter(
            language=lang.sentence_splitter, clean=False, char_span=True
        )
        self.result = Proposals(dateline=dateline, language=lang.code, publisher="", text=text)
        self.publisher: Mention | None = None
        self.recent: list[tuple[ClaimProposal, str]] = []  # claims of the last sentence, side
        self.contents: dict[str, Piece] = {}  # what each claim says, by ref

    # --- lines ---------------------------------------------------------------------------

    def run(self) -> Proposals:
        list_claimant, list_intro, after_marker = None, None, False
        offset = 0
        for raw in self.text.splitlines(keepends=True):
            line, offset = Piece(raw.rstrip("\r\n"), offset), offset + len(raw)
            dateline = DATELINE.match(line.text) if line.start == 0 or not self.publisher else None
            if dateline and not self.publisher:
                self._set_publisher(dateline.group(1))
                line = line.cut(dateline.end())
            stripped = line.strip()
            if not stripped.text:
                continue
            if stripped.text in LIST_MARKERS:
                after_marker = True
                continue
            marked = stripped.text[:2] in ("- ", "• ", "* ")
            if (after_marker or marked) and list_claimant is not None:
                self._item(stripped.cut(2) if marked else stripped, list_claimant, list_intro)
                after_marker = False
                continue
            after_marker, list_claimant = False, None
            if not stripped.text.endswith(SENTENCE_END):
                self.recent = []
                continue  # a heading
            if stripped.text.endswith(":"):
                # Items are the intro's claims only if it says who says them ("outlined");
                # a list of proposals is still read for deadlines.
                said = self._attribution(stripped)
                list_claimant = said.claimant if said and said.claimant else None
                list_intro, self.recent = stripped, []
                if list_claimant is None:
                    list_claimant = Mention("", "", 0, 0, None)
                continue
            for span in self.segmenter.segment(stripped.text):
                sentence = stripped.cut(span.start, span.end).strip()
                if sentence.text:
                    self._sentence(sentence)
        return self.result

    def _set_publisher(self, name: str) -> None:
        self.publisher = self.index.claimant(name) or Mention(name, name, 0, 0, None)
        self.result.publisher = self.publisher.name

    # --- sentences -----------------------------------------------------------------------

    def _sentence(self, sentence: Piece) -> None:
        made: list[ClaimProposal] = []
        plans: list[Piece] = []
        previous: Mention | None = None
        for clause in split_at(sentence, (*self.lang.clause_breaks, ", also ")):
            found = self._attribution(clause)
            if found is None and previous is None:
                continue
            if found is None:
                found = _Attribution(None, "", clause)
            claimant = found.claimant or previous
            if claimant is None:
                continue  # a verb with no one before it, in the first clause
            previous = claimant
            if self._own_plan(claimant, found.content):
                plans.append(found.content)
                continue
            made.append(self._claim(claimant, found, clause, sentence, made))
        if not made and not plans and self.publisher and self._reported_fact(sentence.text):
            cue = self._reported_fact(sentence.text)
            attribution = _Attribution(self.publisher, "", sentence)
            claim = self._claim(self.publisher, attribution, sentence, sentence, made)
            claim.why = f"no attribution; the report's own statement (cue “{cue}”)"
            made.append(claim)
        self._quantities(sentence, made)
        self._follow_ups(sentence, made, conditional=False, plans=plans)
        self.recent = [(c, self.index.parent_of(c.claimant)) for c in made]

    def _own_plan(self, claimant: Mention, content: Piece) -> bool:
        """A speaker telling what their own side proposes or will do: a follow-up to watch."""
        lowered = content.text.lower()
        if not any(cue in lowered for cue in self.lang.plan_cues):
            return False
        named = self.index.mentions(content.text)
        side = self.index.parent_of(claimant.name)
        return bool(named) and self.index.parent_of(named[0].name) == side

    def _reported_fact(self, text: str) -> str:
        for word in WORD.findall(text):
            if word.lower() in self.lang.reported_fact_cues:
                return word
        return ""

    def _attribution(self, clause: Piece) -> _Attribution | None:
        lowered = clause.text.lower()
        for phrase in self.lang.according_to:
            at = lowered.find(phrase)
            if at > 0:
                source = self.index.claimant(clause.text[at + len(phrase) :])
                if source:
                    return _Attribution(source, phrase, clause.cut(0, at).strip(" ,"))
        for match in WORD.finditer(clause.text):
            verb = match.group(0).lower()
            if verb not in self.lang.attribution_verbs or _inside_quote(clause.text, match.start()):
                continue
            subject = clause.text[: match.start()]
            before = subject.split()[-1].lower() if subject.split() else ""
            if before in self.lang.determiners or before.endswith(("’s", "'s")):
                continue  # a noun: "Russia's demands", "its claimed sovereignty"
            content = clause.cut(match.end()).strip(" ,")
            for opener in self.lang.complementisers:
                if content.text.lower().startswith(opener):
                    content = content.cut(len(opener))
            if not WORD.search(QUOTE.sub("", subject)) or subject.strip().lower() == "also":
                return _Attribution(None, verb, content)
            claimant = self.index.claimant(QUOTE.sub(lambda m: " " * len(m.group()), subject))
            if claimant is None:
                continue
            return _Attribution(claimant, verb, content)
        return None

    def _claim(
        self,
        claimant: Mention,
        found: _Attribution,
        clause: Piece,
        sentence: Piece,
        earlier: list[ClaimProposal],
    ) -> ClaimProposal:
        content = found.content
        negated = found.verb in self.lang.counter_verbs
        statement = (
            self._counter_statement(found.verb, content, clause, earlier)
            if negated
            else _sentence_case(content.text)
        )
        why = f"attribution “{found.verb}”" if found.verb else "clause of the same speaker"
        claim = ClaimProposal(
            ref=f"c{len(self.result.claims) + 1}",
            statement=statement,
            claimant=claimant.name,
            claimant_id=claimant.actor_id,
            words=clause.words(),
            why=why,
            negated=negated,
        )
        if found.verb:  # a list's demand disputes nothing; a speaker's statement may
            claim.contradicts = self._disputed(claim, content.text, clause, earlier, negated)
        self.contents[claim.ref] = content
        self.result.claims.append(claim)
        self._new_actor(claimant, clause)
        return claim

    def _counter_statement(
        self, verb: str, content: Piece, clause: Piece, earlier: list[ClaimProposal]
    ) -> str:
        text = content.text.strip(" .")
        if text.lower().startswith("as ") and earlier:
            quoted = re.search(r"“[^”]+”", earlier[-1].statement)
            subject = f"The {quoted.group(0)} charge" if quoted else "That claim"
            return _sentence_case(f"{subject} is {text[3:]}")
        if " as " in text:
            what, judged = text.split(" as ", 1)
            return _sentence_case(f"{what}: {judged}")
        if text.lower().startswith("that "):
            return _sentence_case(f"it is not true that {text[5:]}")
        return _sentence_case(f"there is no {text}")

    def _disputed(
        self,
        claim: ClaimProposal,
        content: str,
        clause: Piece,
        earlier: list[ClaimProposal],
        negated: bool,
    ) -> str | None:
        """The claim this one contradicts: for a denial, the one before it sharing most words
        (or simply the one before, when the denial names "a charge"); for any other claim, one
        by the other side just before it that shares a word."""
        side = self.index.parent_of(claim.claimant)
        here = [c for c in earlier if self.index.parent_of(c.claimant) != side]
        candidates = here + [c for c, s in self.recent if s != side]
        mine = content_words(content, self.lang)
        scored = [(len(mine & content_words(c.statement, self.lang)), c) for c in candidates]
        best = max(scored, key=lambda pair: pair[0], default=(0, None))
        if best[0]:
            return best[1].ref
        subject = clause.text.lower()
        if negated and here and any(noun in subject for noun in REFERENT_NOUNS):
            return here[-1].ref
        return None

    def _new_actor(self, mention: Mention, piece: Piece) -> None:
        if mention.actor_id is None and mention.name not in {a.name for a in self.result.actors}:
            self.result.actors.append(ActorProposal(mention.name, piece.words()))

    def _quantities(self, sentence: Piece, made: list[ClaimProposal]) -> None:
        for quantity in find_quantities(sentence.text, self.lang):
            at = sentence.start + quantity.start
            for claim in made:
                if claim.words.start <= at < claim.words.end and claim.quantity is None:
                    claim.quantity, claim.quantity_unit = quantity.value, quantity.unit
                    claim.quantity_words = quantity.words
                    break

    # --- list items ----------------------------------------------------------------------

    def _item(self, item: Piece, claimant: Mention, intro: Piece) -> None:
        label = ITEM_LABEL.match(item.text)
        body = item.cut(label.end()) if label else item
        dash = DASH.search(body.text)
        made: list[ClaimProposal] = []
        if not claimant.name:  # a list of proposals, not of anyone's claims
            self._follow_ups(body, made, conditional=True, deadlines_only=True)
            return
        demands = body.cut(0, dash.start()) if dash else body
        parts = [demands]
        if dash:
            # The counter-claim after the dash disputes the last demand: that one stands alone.
            at = demands.text.rfind(", and ")
            if at > 0:
                parts = [demands.cut(0, at), demands.cut(at + len(", and "))]
        for part in parts:
            claim = self._claim(claimant, _Attribution(claimant, "", part), part, item, made)
            claim.why = f"item of the list “{intro.text[:60]}”"
            made.append(claim)
        if dash:
            counter = body.cut(dash.end())
            previous = None
            for clause in split_at(counter, (*self.lang.clause_breaks, ", also ")):
                found = self._attribution(clause)
                if found is None:
                    continue
                speaker = found.claimant or previous
                if speaker is None:
                    continue
                previous = speaker
                made.append(self._claim(speaker, found, clause, item, made))
        self._quantities(item, made)
        conditional = any(cue in intro.text.lower() for cue in self.lang.conditional_cues)
        self._follow_ups(body, made, conditional=conditional, deadlines_only=True)
        self.recent = [(c, self.index.parent_of(c.claimant)) for c in made]

    # --- follow-ups ----------------------------------------------------------------------

    def _follow_ups(
        self,
        piece: Piece,
        made: list[ClaimProposal],
        *,
        conditional: bool,
        deadlines_only: bool = False,
        plans: list[Piece] | None = None,
    ) -> None:
        lowered = piece.text.lower()
        conditional = conditional or any(cue in lowered for cue in self.lang.conditional_cues)
        deadline = find_deadline(
            piece.text,
            dateline=self.dateline,
            tz=self.tz,
            lang=self.lang,
            relative_to_event=conditional,
        )
        cue = next((c for c in self.lang.promise_cues if c in lowered), None)
        if deadline is None and (cue is None or deadlines_only):
            return
        at = piece.start + (deadline.start if deadline else lowered.find(cue))
        # The title is what was promised: the plan, or the claim, the words are in.
        owner = next((c for c in made if c.words.start <= at < c.words.end and not c.negated), None)
        plan = next((p for p in plans or [] if p.start <= at <= p.end), None)
        if plan is not None:
            title = self._up_to_break(plan, at)
        elif owner is not None and not deadlines_only:
            title = self._up_to_break(self.contents[owner.ref], at)
        else:
            title = self._conjunct(piece, at - piece.start)
            if cue in self.lang.object_cues and deadline is None:
                title = title.cut(title.text.lower().find(cue) + len(cue)).strip()
        mentions = self.index.mentions(title.text) or self.index.mentions(piece.text)
        # Who must act: the first actor the promise names (its subject).
        responsible = [m.name for m in mentions if m.actor_id is not None][:1]
        if not responsible and owner and owner.claimant != self.result.publisher:
            responsible = [owner.claimant]
        depends_on = None
        if deadline and deadline.due_at is None:
            depends_on = self._event(piece, deadline, responsible)
        follow_up = FollowUpProposal(
            ref=f"f{len(self.result.follow_ups) + 1}",
            title=_sentence_case(title.text).rstrip("."),
            description=piece.text,
            words=title.words(),
            responsible=responsible,
            claims=[owner.ref] if owner else [],
        )
        if owner is not None and owner.quantity is not None:
            follow_up.target_quantity = owner.quantity
            follow_up.quantity_unit = owner.quantity_unit
        if deadline:
            follow_up.deadline_words = deadline.words
            follow_up.due_at = deadline.due_at
            follow_up.offset_days = deadline.offset_days if depends_on else None
            follow_up.depends_on = depends_on
        self.result.follow_ups.append(follow_up)

    def _up_to_break(self, piece: Piece, at: int) -> Piece:
        """`piece` from its start to the first title break after position `at` (absolute)."""
        end = len(piece.text)
        for words in self.lang.title_breaks:
            found = piece.text.find(words, max(at - piece.start, 0))
            if found > 0:
                end = min(end, found)
        return piece.cut(0, end).strip(" .")

    def _conjunct(self, piece: Piece, at: int) -> Piece:
        """The comma-separated part of `piece` around position `at`, without a leading "and"."""
        for part in split_at(piece, (", ",)):
            if part.start <= piece.start + at <= part.end:
                for lead in ("and ", "but ", "or "):
                    if part.text.startswith(lead):
                        part = part.cut(len(lead))
                return part.strip(" .")
        return piece.strip(" .")

    def _event(self, piece: Piece, deadline: Deadline, responsible: list[str]) -> str:
        """A follow-up for the event a relative deadline counts from, with no date yet: the
        event the words name ("within 100 days of the ceasefire"), else the proposal."""
        title = deadline.event or "agreed: " + split_at(piece, (", ",))[0].text.rstrip(".")
        event = FollowUpProposal(
            ref=f"f{len(self.result.follow_ups) + 1}",
            title=_sentence_case(title).rstrip("."),
            description=f"The event “{deadline.words}” counts from; the report gives it no date.",
            words=piece.words(),
            responsible=responsible,
        )
        self.result.follow_ups.append(event)
        return event.ref
