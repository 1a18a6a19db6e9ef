"""Whatever text arrives, the proposer answers without an error, and every proposal's words
are the report's own, at the place it says."""

import datetime as dt
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.actors import KnownActor
from reports.proposer import propose

ACTORS = [KnownActor(1, "Russia", "state"), KnownActor(2, "Ukraine", "state")]
# Words the rules react to, so generated text reaches them and not only plain noise.
WORDS = st.sampled_from(
    (
        *("Ukraine", "Russia", "Kyiv", "said", "denying", "claims,", "while", "but", "as"),
        *("–", "-", ":", "“", "”", ".", "\n", "400", "children", "within", "100", "days"),
        *("before", "month-end", "next", "week", "proposed", "would", "baseless"),
        *("ISTANBUL,", "June", "02", "(Wire)"),
    )
)
TEXT = st.one_of(st.text(max_size=300), st.lists(WORDS, max_size=60).map(" ".join))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_any_text_gives_proposals_whose_words_are_where_they_say(text):
    result = propose(text, dateline=dt.date(2025, 6, 2), actors=ACTORS, tz=ZoneInfo("UTC"))
    for proposal in [*result.claims, *result.follow_ups, *result.actors]:
        words = proposal.words
        assert text[words.start : words.end] == words.text
    refs = {c.ref for c in result.claims}
    assert all(c.contradicts in refs for c in result.claims if c.contradicts)
    fu_refs = {f.ref for f in result.follow_ups}
    assert all(f.depends_on in fu_refs for f in result.follow_ups if f.depends_on)
