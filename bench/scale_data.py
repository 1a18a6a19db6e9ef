"""The newsroom-sized data set of `make bench-scale`, built with set-based SQL (generate_series),
never model saves, so a million claims take minutes rather than hours.

What it holds (N claims, default 1,000,000): 2,000 actors, 200 topics, 100,000 sources, N published
claims with 3 evidence rows each, N follow-ups one-to-one with the claims (a tenth of them a day
overdue), 10,000 scenarios with three terms and two stances each, 5 history rows per claim. The
real deadline sweep then flags the overdue tenth, which opens two review items per overdue
follow-up (the follow-up's and its claim's): 200,000 open items at N = 1,000,000.
"""

import time

ACTORS, TOPICS, SOURCES, SCENARIOS = 2_000, 200, 100_000, 10_000
HISTORY_PER_CLAIM = 5

ASSESSMENTS = [
    "confirmed",
    "likely",
    "contested",
    "unlikely",
    "false",
    "unverifiable",
    "unassessed",
]
PRIORITIES = ["low", "normal", "high", "urgent"]
STANCES = ["supports", "refutes", "context"]


def _array(values) -> str:
    return "ARRAY[" + ", ".join(f"'{v}'" for v in values) + "]"


def build(cursor, *, claims: int, log=print) -> dict[str, float]:
    """Fill the (already migrated, emptied) claims and tracker tables. Returns seconds per step."""
    steps: dict[str, float] = {}
    # One clock for the claims' publication dates and their history rows, which must agree.
    cursor.execute("SELECT now()")
    (built_at,) = cursor.fetchone()

    def step(name, sql, params=()):
        started = time.perf_counter()
        # The SQL uses % as modulo; only %s is a placeholder.
        cursor.execute(sql.replace("%", "%%").replace("%%s", "%s"), params)
        steps[name] = round(time.perf_counter() - started, 1)
        log(f"  {name}: {steps[name]} s", flush=True)

    step(
        "actors",
        "INSERT INTO claims_actor (id, name, kind, country_code, aliases, search_names) "
        "SELECT g, 'Bench actor ' || g, (ARRAY['state','official','person','media'])[1 + g % 4], "
        "'', '', E'\\nbench actor ' || g || E'\\n' FROM generate_series(1, %s) g",
        [ACTORS],
    )
    step(
        "topics",
        "INSERT INTO claims_topic (id, slug, name) "
        "SELECT g, 'bench-topic-' || g, 'Bench topic ' || g FROM generate_series(1, %s) g",
        [TOPICS],
    )
    step(
        "sources",
        "INSERT INTO claims_source (id, url, title, kind, published_at, archived_url, reliability,"
        " created_at, publisher_id, version, language) "
        "SELECT g, 'https://news.example/' || g, 'Bench source ' || g, 'news_report', "
        "timestamptz '2020-01-01' + (g % 2000) * interval '1 day', '', "
        "(ARRAY['A','B','C','D','E','F'])[1 + g % 6], now(), 1 + g % %s, 1, 'en' "
        "FROM generate_series(1, %s) g",
        [ACTORS, SOURCES],
    )
    step(
        "claims",
        "INSERT INTO claims_claim (id, statement, claimant_id, topic_id, claimed_on, quantity_unit,"
        " state, assessment, assessment_note, priority, created_at, updated_at, version, language,"
        " summary, search_text, first_published_at, last_published_at) "
        "SELECT g, 'Bench claim number ' || g, 1 + g % %s, 1 + g % %s, "
        "DATE '2020-01-01' + (g % 2000), '', 'published', "
        f"({_array(ASSESSMENTS)})[1 + g % {len(ASSESSMENTS)}], '', "
        f"({_array(PRIORITIES)})[1 + g % {len(PRIORITIES)}], "
        "now() - (g % 2000) * interval '1 day', now() - (g % 2000) * interval '1 day', 1, 'en', "
        "'', 'bench claim number ' || g, "
        # The dates of its two published history rows below (h = 3 and 4).
        "%s::timestamptz - interval '2 hours', %s::timestamptz - interval '1 hour' "
        "FROM generate_series(1, %s) g",
        [ACTORS, TOPICS, built_at, built_at, claims],
    )
    step(
        "evidence",
        "INSERT INTO claims_evidence (claim_id, source_id, stance, excerpt, credibility, note,"
        " added_at) "
        f"SELECT g, 1 + (g * 3 + k) % %s, ({_array(STANCES)})[1 + k], '', 1 + (g + k) % 6, '', "
        "now() FROM generate_series(1, %s) g, generate_series(0, 2) k",
        [SOURCES, claims],
    )
    step(
        "history",
        "INSERT INTO claims_historicalclaim (id, statement, claimant_id, topic_id, claimed_on,"
        " quantity_unit, state, assessment, assessment_note, priority, created_at, updated_at,"
        " version, history_date, history_change_reason, history_type, language, summary,"
        " search_text) "
        "SELECT g, 'Bench claim number ' || g, 1 + g % %s, 1 + g % %s, "
        "DATE '2020-01-01' + (g % 2000), '', "
        "(ARRAY['draft','pending_review','in_review','published','published'])[1 + h], "
        "'contested', '', 'normal', now(), now(), 1 + h, "
        "%s::timestamptz - (5 - h) * interval '1 hour', "
        "'bench', CASE WHEN h = 0 THEN '+' ELSE '~' END, 'en', '', 'bench claim number ' || g "
        "FROM generate_series(1, %s) g, generate_series(0, %s) h",
        [ACTORS, TOPICS, built_at, claims, HISTORY_PER_CLAIM - 1],
    )
    step(
        "scenarios",
        "INSERT INTO tracker_scenario (id, title, kind, description, proposed_by_id, proposed_on,"
        " status, created_at, updated_at, version, language) "
        "SELECT g, 'Bench scenario ' || g, 'peace_plan', '', 1 + g % %s, "
        "DATE '2020-01-01' + (g % 2000), "
        "(ARRAY['proposed','under_negotiation','agreed','rejected'])[1 + g % 4], now(), now(), 1, "
        "'en' "
        "FROM generate_series(1, %s) g",
        [ACTORS, SCENARIOS],
    )
    step(
        "terms",
        "INSERT INTO tracker_term (scenario_id, position, text) "
        "SELECT g, k, 'Term ' || k || ' of scenario ' || g "
        "FROM generate_series(1, %s) g, generate_series(1, 3) k",
        [SCENARIOS],
    )
    step(
        "stances",
        "INSERT INTO tracker_stance (scenario_id, actor_id, position, as_of, note) "
        "SELECT g, 1 + (g + k) % %s, (ARRAY['accepts','rejects'])[1 + k], "
        "DATE '2020-01-01' + (g % 2000), '' "
        "FROM generate_series(1, %s) g, generate_series(0, 1) k",
        [ACTORS, SCENARIOS],
    )
    step(
        "follow-ups",
        "INSERT INTO tracker_followup (id, title, description, due_at, state, quantity_unit,"
        " created_at, updated_at, scenario_id, version) "
        "SELECT g, 'Bench follow-up ' || g, '', "
        "CASE WHEN g % 10 = 0 THEN now() - interval '1 day' "
        "ELSE now() + (1 + g % 365) * interval '1 day' END, "
        "'open', '', now(), now(), CASE WHEN g % 100 = 0 THEN 1 + g % %s END, 1 "
        "FROM generate_series(1, %s) g",
        [SCENARIOS, claims],
    )
    step(
        "follow-up links",
        "INSERT INTO tracker_followup_claims (followup_id, claim_id) "
        "SELECT g, g FROM generate_series(1, %s) g",
        [claims],
    )
    for table in (
        "claims_actor",
        "claims_topic",
        "claims_source",
        "claims_claim",
        "claims_evidence",
        "tracker_scenario",
        "tracker_term",
        "tracker_stance",
        "tracker_followup",
        "tracker_followup_claims",
    ):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('claims_historicalclaim', 'history_id'),"
        " (SELECT max(history_id) FROM claims_historicalclaim))"
    )
    return steps
