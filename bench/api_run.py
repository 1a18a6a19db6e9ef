"""`make bench-api`: seed PostgreSQL, start gunicorn (2 workers, loopback), and measure
throughput and latency of the claim list, a detail GET, a conditional GET answered 304, the
.values() baseline, and a list page's conditional GET answered 304. A small load client:
threads and http.client, bounded by time and count.

Environment: BENCH_CLAIMS (10000), BENCH_SECONDS per scenario (10), BENCH_MAX_REQUESTS per
scenario (20000), BENCH_THREADS (4), BENCH_PORT (8765), BENCH_API_DATABASE_URL."""

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PORT = int(os.environ.get("BENCH_PORT", "8765"))
N_CLAIMS = int(os.environ.get("BENCH_CLAIMS", "10000"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
MAX_REQUESTS = int(os.environ.get("BENCH_MAX_REQUESTS", "20000"))
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
DB_URL = os.environ.get("BENCH_API_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ct_bench_api")


def fresh_database() -> None:
    """Drop and recreate the bench database: a disposable copy, never a stale one."""
    import psycopg
    from psycopg import sql

    name = DB_URL.rsplit("/", 1)[1]
    with psycopg.connect(DB_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def get(path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def list_pages(path: str, count: int) -> list[tuple[str, str]]:
    """The first `count` cursor pages of a list, each with the ETag it answered."""
    pages = []
    while path and len(pages) < count:
        status, headers, body = get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
        pages.append((path, headers["ETag"]))
        following = json.loads(body).get("next")
        path = following.split(f"{HOST}:{PORT}", 1)[-1] if following else None
    return pages


def wait_until_up(server: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited before it answered")
        try:
            get("/api/v1/claims/?page_size=1")
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def hammer(name: str, make, expect: int) -> dict:
    """Run `make() -> (path, headers)` from THREADS threads until SECONDS or MAX_REQUESTS."""
    for _ in range(20):  # warm-up: imports, connections, caches in both workers
        path, headers = make(random.Random())
        get(path, headers)
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + SECONDS

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            with lock:
                if len(latencies) + len(errors) >= MAX_REQUESTS:
                    return
            path, headers = make(rng)
            start = time.perf_counter()
            status, _, _ = get(path, headers)
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if status == expect else errors).append(
                    elapsed if status == expect else status
                )

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    latencies.sort()
    if errors:
        print(f"  {name}: {len(errors)} unexpected answers, e.g. {errors[:3]}", file=sys.stderr)
    return {
        "name": name,
        "requests": len(latencies),
        "errors": len(errors),
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))] * 1000, 1),
    }


def main() -> None:
    fresh_database()
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.api_settings"
    os.environ["BENCH_API_DATABASE_URL"] = DB_URL
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.api_seed import seed

    call_command("migrate", verbosity=0)
    print(f"Seeding {N_CLAIMS} claims × 3 evidence rows …", flush=True)
    ids = seed(N_CLAIMS)
    connection.close()

    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "2",
         "--bind", f"{HOST}:{PORT}", "--log-level", "warning", "--chdir", str(ROOT)],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.api_settings"},
    )  # fmt: skip
    try:
        wait_until_up(server)
        sample = random.Random(4).sample(ids, min(200, len(ids)))
        tags = {pk: get(f"/api/v1/claims/{pk}/")[1]["ETag"] for pk in sample}
        pages = list_pages("/api/v1/claims/?page_size=100", count=5)
        scenarios = [
            ("list ?page_size=100", lambda r: ("/api/v1/claims/?page_size=100", {}), 200),
            ("baseline .values()", lambda r: ("/bench/claims/?page_size=100", {}), 200),
            ("detail GET", lambda r: (f"/api/v1/claims/{r.choice(sample)}/", {}), 200),
            (
                "conditional GET 304",
                lambda r: (lambda pk: (f"/api/v1/claims/{pk}/", {"If-None-Match": tags[pk]}))(
                    r.choice(sample)
                ),
                304,
            ),
            (
                "list 304 ?page_size=100",
                lambda r: (lambda page: (page[0], {"If-None-Match": page[1]}))(r.choice(pages)),
                304,
            ),
        ]
        results = []
        for name, make, expect in scenarios:
            print(f"  {name} …", flush=True)
            results.append(hammer(name, make, expect))
    finally:
        server.terminate()
        server.wait(timeout=20)

    by_name = {r["name"]: r for r in results}
    list_ratio = by_name["list ?page_size=100"]["rps"] / by_name["baseline .values()"]["rps"]
    cond_ratio = by_name["conditional GET 304"]["rps"] / by_name["detail GET"]["rps"]
    list_304_ratio = (
        by_name["list 304 ?page_size=100"]["rps"] / by_name["list ?page_size=100"]["rps"]
    )
    summary = {
        "claims": N_CLAIMS,
        "seconds_per_scenario": SECONDS,
        "client_threads": THREADS,
        "gunicorn_workers": 2,
        "results": results,
        "list_vs_baseline": round(list_ratio, 2),
        "list_target_met": list_ratio >= 0.6,
        "conditional_vs_detail": round(cond_ratio, 2),
        "conditional_target_met": cond_ratio >= 3,
        "list_304_vs_list": round(list_304_ratio, 2),
        "list_304_target_met": list_304_ratio >= 5,
    }
    print(f"\n{'scenario':<22}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}")
    for r in results:
        print(f"{r['name']:<22}{r['requests']:>9}{r['rps']:>9}{r['p50_ms']:>9}{r['p95_ms']:>9}")
    print(
        f"\nlist / baseline throughput: {list_ratio:.2f} (target ≥ 0.6: "
        f"{'met' if summary['list_target_met'] else 'NOT met'})\n"
        f"304 / detail throughput:    {cond_ratio:.2f} (target ≥ 3: "
        f"{'met' if summary['conditional_target_met'] else 'NOT met'})\n"
        f"list 304 / list throughput: {list_304_ratio:.2f} (target ≥ 5: "
        f"{'met' if summary['list_304_target_met'] else 'NOT met'})"
    )
    out = ROOT / "var" / "bench-api.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    print(f"Written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
