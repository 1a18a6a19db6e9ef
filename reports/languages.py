"""The words the proposer reads, one table per language. English is filled in; a Ukrainian or
Russian table adds its own verbs, cues and date words under the same keys, and the rules in
proposer.py and deadlines.py stay as they are."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Language:
    code: str
    # pysbd's splitter for the language (it has "ru", not "uk": Ukrainian would use "ru").
    sentence_splitter: str
    # Words that may open what is said after the verb and are not part of it: "said that …".
    complementisers: tuple[str, ...]
    # Verbs that introduce what someone says: "Ukraine said ...", "..., stating ...".
    attribution_verbs: frozenset[str]
    # Attribution verbs whose content is a denial or rejection of what was said before: the
    # proposal is a counter-claim (a `contradicts` relation) and its statement is negated.
    counter_verbs: frozenset[str]
    # Phrases after which the source is named: "..., according to a memorandum".
    according_to: tuple[str, ...]
    # Conjunctions that join two clauses of one sentence, each with its own claimant or claim.
    clause_breaks: tuple[str, ...]
    # Words that make an unattributed sentence the report's own claim (the wire's reporting).
    reported_fact_cues: frozenset[str]
    # Words that mark a promised or proposed future event: a follow-up.
    promise_cues: tuple[str, ...]
    # Of those, the ones that make a speaker's statement about their own side a plan to
    # follow up rather than a claim to check ("Umerov said Ukraine proposed further talks").
    plan_cues: tuple[str, ...]
    # Promise cues whose object is the promised event: "expressed hope for <a summit>".
    object_cues: tuple[str, ...]
    # Where the title of a follow-up stops: "talks before month-end | but believes …".
    title_breaks: tuple[str, ...]
    # Words before an attribution verb that make it a noun ("Russia's demands", "its claimed").
    determiners: frozenset[str]
    # Words that say a deadline runs from another event rather than from the dateline.
    conditional_cues: tuple[str, ...]
    pronouns: frozenset[str]
    number_words: dict[str, int]
    months: dict[str, int]
    units_of_time: dict[str, str]  # plural or singular word -> "days" | "weeks" | "months"
    # Deadline phrases, (rule, regular expression) in the order tried; {months}, {units} and
    # {count} stand for this table's words. The rules are in deadlines.py: month_end,
    # end_of_named_month (group 1: the month), year_end, within (count, unit, and the event
    # it counts from), in (count, unit), next_week, next_month, by_date (group 1: the date).
    deadline_phrases: tuple[tuple[str, str], ...]
    # Words between a number and its noun that are not the unit: "12,000 fallen soldiers".
    quantity_fillers: frozenset[str]
    # Place and short names that stand for an actor ("Kyiv" for Ukraine).
    aliases: dict[str, str] = field(default_factory=dict)
    # Adjectives that stand for a state ("the Russian delegation").
    demonyms: dict[str, str] = field(default_factory=dict)


_COUNTER_EN = frozenset(
    [
        "denied",
        "denies",
        "denying",
        "deny",
        "dismissed",
        "dismisses",
        "dismissing",
        "rejected",
        "rejects",
        "rejecting",
        "disputed",
        "disputes",
    ]
)

ENGLISH = Language(
    code="en",
    sentence_splitter="en",
    complementisers=("that ",),
    attribution_verbs=frozenset(
        [
            "said",
            "says",
            "say",
            "stated",
            "states",
            "stating",
            "claims",
            "claimed",
            "claiming",
            "claim",
            "insists",
            "insisted",
            "insisting",
            "maintains",
            "maintained",
            "maintaining",
            "warned",
            "warns",
            "warning",
            "told",
            "added",
            "argued",
            "argues",
            "alleged",
            "alleges",
            "confirmed",
            "confirms",
            "confirm",
            "announced",
            "announces",
            "demanded",
            "demands",
            "demanding",
            "outlined",
            "accused",
            "accuses",
        ]
    )
    | _COUNTER_EN,
    counter_verbs=_COUNTER_EN,
    according_to=("according to",),
    clause_breaks=(", while ", ", whereas ", ", but ", "; "),
    reported_fact_cues=frozenset(["agreement", "agreed", "pledge", "pledged", "lasted"]),
    promise_cues=(
        "proposed",
        "pledge to",
        "pledged to",
        "promised",
        "agreed only to",
        "agreed to",
        "will ",
        "would ",
        "might ",
        "hope for",
        "plans to",
    ),
    object_cues=("hope for",),
    title_breaks=(" but ", "; "),
    plan_cues=("proposed", "would ", "will ", "plans to", "promised", "pledged to"),
    determiners=frozenset(["the", "its", "their", "his", "her", "our", "a", "an"]),
    conditional_cues=(
        "requiring",
        "package",
        "proposal",
        "condition",
        "once ",
        "after ",
        " if ",
    ),
    pronouns=frozenset(["he", "she", "they"]),
    number_words={
        "a": 1,
        "an": 1,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
        "eleven": 11,
        "twelve": 12,
        "thirty": 30,
        "hundred": 100,
    },
    months={
        m: i + 1
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
        )
    },
    units_of_time={
        "day": "days",
        "days": "days",
        "week": "weeks",
        "weeks": "weeks",
        "month": "months",
        "months": "months",
        "hour": "hours",
        "hours": "hours",
        "year": "years",
        "years": "years",
    },
    deadline_phrases=(
        (
            "month_end",
            r"\b(?:before|by)\s+(?:the\s+)?(?:month[- ]end|end\s+of\s+(?:the|this)\s+month)\b",
        ),
        ("end_of_named_month", r"\b(?:before|by)\s+(?:the\s+)?end\s+of\s+({months})\b"),
        (
            "year_end",
            r"\b(?:before|by)\s+(?:the\s+)?(?:year[- ]end|end\s+of\s+(?:the|this)\s+year)\b",
        ),
        (
            "within",
            r"\bwithin\s+(?:the\s+next\s+)?{count}\s+({units})\b"
            r"(?:\s+(?:of|after|from)\s+(?!now\b|today\b)([^,.;:]+))?",
        ),
        ("in", r"\bin\s+{count}\s+({units})\b"),
        ("next_week", r"\bnext\s+week\b"),
        ("next_month", r"\bnext\s+month\b"),
        (
            "by_date",
            r"\b(?:by|before|until)\s+((?:\d{{1,2}}\s+(?:{months})|(?:{months})\s+\d{{1,2}})"
            r"(?:,?\s+\d{{4}})?)\b",
        ),
    ),
    quantity_fillers=frozenset(
        [
            "fallen",
            "more",
            "dead",
            "wounded",
            "new",
            "other",
            "additional",
            "ukrainian",
            "russian",
            "of",
            "some",
            "about",
            "nearly",
            "almost",
            "over",
        ]
    ),
    aliases={
        "Kyiv": "Ukraine",
        "Kiev": "Ukraine",
        "Moscow": "Russia",
        "Kremlin": "Russia",
        "Ankara": "Turkey",
        "Washington": "United States",
        "U.S.": "United States",
        "US": "United States",
        "UK": "United Kingdom",
        "Britain": "United Kingdom",
    },
    demonyms={
        "Russian": "Russia",
        "Ukrainian": "Ukraine",
        "Turkish": "Turkey",
        "American": "United States",
        "British": "United Kingdom",
    },
)

LANGUAGES: dict[str, Language] = {"en": ENGLISH}


def language(code: str) -> Language:
    """The table for `code`; an unknown code is refused by the callers' validation first."""
    return LANGUAGES[code]
