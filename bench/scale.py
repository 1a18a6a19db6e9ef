"""Every page and endpoint at a newsroom's real size (run by `make bench-scale`).

Builds the data set of bench/scale_data.py in its own PostgreSQL database (BENCH_SCALE_DB,
default ct_bench_scale), runs the real deadline sweep over it, then times each page through
Django's test client: every admin changelist, with its search and with each of its filters, the
claim and follow-up change pages and a claim's history, /review/ and an item page, every API read
in the OpenAPI schema with each documented filter and `q=`, and the public pages where they exist.
For each it prints p50/p95 server time and the query count beside the target, and writes the
table to var/bench/scale.md and scale.json.

The pages are discovered, not listed: a changelist filter or API filter added later is timed
without touching this file.

    make bench-scale                      # build 1,000,000 claims, then time
    make bench-scale BENCH_ARGS=--reuse   # time again on the data already built
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/ct_bench_scale"
TARGET_MS = {"admin": 300, "review": 200, "api": 100, "public": 200}
SEARCH = "bench claim 999"


def setup_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
    import logging

    import django

    django.setup()
    from django.conf import settings

    logging.getLogger("axes").setLevel(logging.WARNING)
    logging.getLogger("django.request").setLevel(logging.ERROR)

    # The test client's host; the throttles would answer 429 to a benchmark's hundreds of reads.
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_CLASSES": [],
    }


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def build(claims: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from bench import scale_data
    from tracker.sweep import sweep_deadlines

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        tables = [
            t
            for t in connection.introspection.table_names()
            if t.split("_")[0] in {"claims", "tracker"}
        ]
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        scale_data.build(cursor, claims=claims)
        cursor.execute("ANALYZE")
    swept = time.perf_counter()
    result = sweep_deadlines()
    print(
        f"  sweep: {time.perf_counter() - swept:.1f} s, {result.items_opened:,} items opened",
        flush=True,
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"Built in {time.perf_counter() - started:.0f} s", flush=True)


def users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from tracker.roles import apply_roles

    apply_roles()
    user_model = get_user_model()
    admin, _ = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    reviewer, created = user_model.objects.get_or_create(
        username="bench-reviewer", defaults={"is_staff": True}
    )
    if created:
        reviewer.groups.add(*Group.objects.filter(name__icontains="reviewer"))
    return admin, reviewer


def admin_pages(admin_user) -> list[tuple[str, str]]:
    """Each changelist, its search, each filter's first choice; the big change pages."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import reverse

    from claims.admin_autocomplete_filter import AutocompleteFilter

    pages = []
    factory = RequestFactory()
    for model, model_admin in sorted(
        admin.site._registry.items(), key=lambda item: item[0]._meta.label
    ):
        if model._meta.app_label not in {"claims", "tracker", "api"}:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        label = f"admin {model._meta.label_lower}"
        pages.append((label, url))
        if model_admin.search_fields:
            pages.append((f"{label} search", f"{url}?{urlencode({'q': SEARCH})}"))
        request = factory.get(url)
        request.user = admin_user
        changelist = model_admin.get_changelist_instance(request)
        for spec in changelist.filter_specs:
            if isinstance(spec, AutocompleteFilter):  # no choices listed: a row in use
                used = model._default_manager.exclude(**{f"{spec.field_path}__isnull": True})
                value = used.values_list(spec.field.attname, flat=True).first()
                pages.append(
                    (
                        f"{label} filter {spec.lookup_kwarg}={value}",
                        f"{url}?{spec.lookup_kwarg}={value}",
                    )
                )
                continue
            choices = [c for c in spec.choices(changelist) if not c.get("selected")]
            if choices:
                query = choices[0]["query_string"]
                pages.append((f"{label} filter {query.lstrip('?')}", f"{url}{query}"))
    return pages


def detail_pages(claim_id: int, follow_up_id: int, item_id: int) -> list[tuple[str, str]]:
    return [
        ("admin claim change", f"/admin/claims/claim/{claim_id}/change/"),
        ("admin claim history", f"/admin/claims/claim/{claim_id}/history/"),
        ("admin follow-up change", f"/admin/tracker/followup/{follow_up_id}/change/"),
        ("review queue page", "/review/"),
        ("review item page", f"/review/items/{item_id}/"),
    ]


def api_pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    """Every GET in the schema: lists plain, with each enum or date filter, and with q=;
    details with a real id; sub-resources of a claim (history, claim-review, as_of)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    pages = []
    for path, operations in sorted(schema["paths"].items()):
        get = operations.get("get")
        if not get or not path.startswith("/api/v1/"):
            continue
        resource = path.split("/")[3]
        url = path.replace("{id}", str(ids.get(resource, ids["claims"])))
        if "{" in url:
            continue
        query = [p for p in get.get("parameters", []) if p.get("in") == "query"]
        required = {p["name"]: _sample(p) for p in query if p.get("required")}
        base = f"{url}?{urlencode(required)}" if required else url
        pages.append((f"api {path}", base))
        for param in query:
            value = _sample(param)
            if value is not None and not param.get("required"):
                joined = urlencode({**required, param["name"]: value})
                pages.append((f"api {path}?{param['name']}", f"{url}?{joined}"))
    return pages


def _sample(param: dict) -> str | None:
    """A value for a documented query parameter: the search, an enum's first, a date."""
    name, kind = param["name"], param.get("schema", {})
    if name in {"q", "search", "text"}:
        return SEARCH
    if kind.get("enum"):
        return kind["enum"][0]
    if kind.get("type") == "array" and kind.get("items", {}).get("enum"):
        return kind["items"]["enum"][0]
    if kind.get("format") == "date":
        return "2024-01-01"
    if kind.get("format") == "date-time":
        # Now: a claim's state `as_of` a moment before it existed is a 404.
        return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind.get("type") == "boolean":
        return "true"
    return None


def public_pages(claim_id: int) -> list[tuple[str, str]]:
    from django.urls import NoReverseMatch, reverse

    try:
        listing = reverse("publishing:list")
        return [
            ("public fact-check list", listing),
            ("public fact-check list search", f"{listing}?{urlencode({'q': SEARCH})}"),
            ("public fact-check list page 100", f"{listing}?page=100"),
            ("public fact-check page", f"/fact-checks/{claim_id}-x/"),
            ("public Atom feed", "/fact-checks/feed.atom"),
            ("public sitemap index", "/sitemap.xml"),
            ("public sitemap page 500", "/sitemap-fact-checks.xml?p=500"),
        ]
    except NoReverseMatch:
        return []


def time_page(client, url: str, runs: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, queries, status = [], 0, None
    for run in range(runs + 1):
        # The log keeps its last 9,000 statements, and a capture counts how far it grew: past
        # that it would count none.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, follow=True)
            elapsed = (time.perf_counter() - started) * 1000
        status = response.status_code
        if run:  # the first is a warm-up (caches, the planner's first look)
            timings.append(elapsed)
            queries = len(captured)
    timings.sort()
    p95 = timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]
    return {
        "status": status,
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(p95, 1),
        "queries": queries,
    }


def slowest_queries(client, url: str, top: int = 3) -> list[tuple[float, str]]:
    """One more request to `url`, each statement timed: the `top` slowest, for --queries."""
    from django.db import connection

    timed = []

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append(((time.perf_counter() - started) * 1000, sql))

    with connection.execute_wrapper(timer):
        client.get(url, follow=True)
    return sorted(timed, key=lambda row: row[0], reverse=True)[:top]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs per page (after a warm-up)")
    parser.add_argument("--reuse", action="store_true", help="time the data already built")
    parser.add_argument("--only", default="", help="time only pages whose label contains this")
    parser.add_argument("--build-only", action="store_true", help="build, time nothing")
    parser.add_argument(
        "--queries", action="store_true", help="after each page, its slowest statements"
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_SCALE_DB", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        print("bench-scale needs PostgreSQL: set BENCH_SCALE_DB=postgres://…", file=sys.stderr)
        return 2
    ensure_database(url)
    setup_django(url)
    if not args.reuse:
        print(f"Building {args.claims:,} claims in {urlsplit(url).path.lstrip('/')} …", flush=True)
        build(args.claims)
    if args.build_only:
        return 0

    from django.test import Client

    from claims.models import Claim
    from tracker.models import FollowUp, ReviewItem, Scenario

    admin_user, reviewer = users()
    # A published claim in the middle of the table (the sweep sent every tenth back to review).
    middle = Claim.objects.count() // 2 + 1
    ids = {
        "claims": middle,
        "follow-ups": middle,
        "scenarios": Scenario.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "review-items": ReviewItem.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
        "sources": 1,
        "actors": 1,
        "topics": 1,
    }
    from events.models import Subscription
    from events.subscriptions import subscription_create

    hook = Subscription.objects.filter(owner=admin_user).first() or subscription_create(
        owner=admin_user,
        target_url="http://127.0.0.1:9/",  # never called: nothing sends
    )
    ids["webhooks"] = hook.pk
    item = ReviewItem.objects.filter(state="open").order_by("pk").first()
    follow_up = FollowUp.objects.filter(pk=middle).first()
    groups = [
        ("admin", admin_user, admin_pages(admin_user)),
        ("admin", admin_user, detail_pages(middle, follow_up.pk if follow_up else 1, item.pk)[:3]),
        ("review", reviewer, detail_pages(middle, 1, item.pk)[3:]),
        ("api", admin_user, api_pages(ids)),
        ("public", None, public_pages(middle)),
    ]
    rows = []
    for kind, user, pages in groups:
        client = Client()
        if user:
            client.force_login(user)
        for label, page in pages:
            if args.only and args.only not in label:
                continue
            result = time_page(client, page, args.runs)
            target = TARGET_MS[kind]
            row = {"kind": kind, "label": label, "url": page, "target_ms": target, **result}
            row["met"] = result["p95_ms"] <= target and result["status"] < 400
            rows.append(row)
            verdict = "ok  " if row["met"] else "MISS"
            print(
                f"{verdict} {result['p50_ms']:8.1f} {result['p95_ms']:8.1f}"
                f" ms  ≤{target:<4} {result['queries']:3d} q  {result['status']}  {label}",
                flush=True,
            )
            if args.queries:
                for ms, sql in slowest_queries(client, page):
                    print(f"         {ms:8.1f} ms  {sql[:600]}", flush=True)
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "scale.json").write_text(json.dumps(rows, indent=1))
    lines = [
        "| page | p50 ms | p95 ms | target ms | queries | status |",
        "|---|---:|---:|---:|---:|---|",
    ] + [
        f"| {r['label']} | {r['p50_ms']} | {r['p95_ms']} | {r['target_ms']} | {r['queries']} "
        f"| {'met' if r['met'] else 'missed'} |"
        for r in rows
    ]
    (out / "scale.md").write_text("\n".join(lines) + "\n")
    missed = [r for r in rows if not r["met"]]
    print(f"{len(rows) - len(missed)} of {len(rows)} pages within target; table in {out}/scale.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
