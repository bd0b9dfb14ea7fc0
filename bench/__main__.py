"""python -m bench [--quick]: see bench/__init__.py."""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/kinerja_bench"
SHEETS_URL = "postgres://postgres@127.0.0.1:5432/kinerja_bench_sheets"  # `--sheets` alone


@dataclass(frozen=True)
class Sizes:
    national_kecamatan: int
    national_aspects: int
    national_per_aspect: int
    import_kecamatan: int
    import_indicators: int  # per kecamatan and penilai: rows = kecamatan × 5 × indicators


FULL = Sizes(7277, 6, 10, 80, 62)  # 2,183,100 values; 24,800 import rows
QUICK = Sizes(500, 6, 10, 16, 62)  # 150,000 values; 4,960 import rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    parser.add_argument(
        "--sheets",
        action="store_true",
        help=f"only (d), the sheets API load run (database default: {SHEETS_URL})",
    )
    parser.add_argument(
        "--skip-sheets", action="store_true", help="leave out (d), the sheets API load run"
    )
    parser.add_argument(
        "--documents", action="store_true", help="only (e), the documents' rendering figures"
    )
    parser.add_argument(
        "--sheets-seconds",
        type=float,
        default=None,
        help="length of (d)'s autosave load (default 60 s, 10 s with --quick)",
    )
    parser.add_argument("--sheets-clients", type=int, default=100, help="(d): autosaving clients")
    parser.add_argument("--sheets-pairs", type=int, default=10, help="(d): racing pairs")
    parser.add_argument("--sheets-tablets", type=int, default=30, help="(d): tablets flushing")
    parser.add_argument("--sheets-workers", type=int, default=3, help="(d): gunicorn workers")
    parser.add_argument("--sheets-port", type=int, default=8105, help="(d): port on 127.0.0.1")
    parser.add_argument(
        "--outage",
        action="store_true",
        help="only (f): PostgreSQL killed and restarted under the tablets' load, in a "
        "throw-away cluster of its own (never the shared server)",
    )
    parser.add_argument(
        "--skip-outage", action="store_true", help="leave out (f), the PostgreSQL outage run"
    )
    parser.add_argument("--outage-tablets", type=int, default=30, help="(f): tablets")
    parser.add_argument(
        "--outage-load", type=float, default=20.0, help="(f): seconds of load before the kill "
        "and again after the restart",
    )  # fmt: skip
    parser.add_argument("--outage-down", type=float, default=5.0, help="(f): seconds down")
    parser.add_argument("--outage-port", type=int, default=8114, help="(f): gunicorn port")
    parser.add_argument("--outage-pg-port", type=int, default=5499, help="(f): cluster port")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    if args.outage:
        outage(args)
        return

    url = os.environ.setdefault("DATABASE_URL", SHEETS_URL if args.sheets else DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["DEBUG"] = "0"  # no query log: it would hold every statement in memory
    _create_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    print(f"Database: {connection.vendor} {connection.settings_dict['NAME']}", flush=True)
    call_command("migrate", verbosity=0)

    summary: list[tuple[str, str]] = []
    if args.documents:
        from bench.documents import documents_bench

        summary += documents_bench(quick=args.quick)
        args.sheets = args.skip_sheets = True  # nothing else
    if not args.sheets:
        summary += national(sizes, quick=args.quick)
        summary += small_periods()
        summary += score_import(sizes, quick=args.quick)
    if not args.documents:
        from bench.documents import documents_bench

        summary += documents_bench(quick=args.quick)
    if not args.skip_sheets:
        from bench.sheets_load import LoadSizes, sheets_load

        seconds = args.sheets_seconds or (10.0 if args.quick else 60.0)
        summary += sheets_load(
            LoadSizes(
                seconds=seconds,
                clients=args.sheets_clients,
                pairs=args.sheets_pairs,
                baseline=min(10, args.sheets_clients),
                tablets=min(args.sheets_tablets, args.sheets_clients),
                workers=args.sheets_workers,
                port=args.sheets_port,
            ),
            _log,
        )

    print("\nSummary")
    width = max(len(label) for label, _ in summary)
    for label, figure in summary:
        print(f"  {label.ljust(width)}  {figure}")
    if not (args.sheets or args.documents or args.skip_outage):
        # (f) needs Django on its own throw-away cluster: a process of its own.
        import subprocess

        subprocess.run(
            [sys.executable, "-m", "bench", "--outage", *_outage_options(args)],
            check=False,
            timeout=1800,
        )


def _outage_options(args: argparse.Namespace) -> list[str]:
    return [
        f"--outage-tablets={args.outage_tablets}",
        f"--outage-load={args.outage_load}",
        f"--outage-down={args.outage_down}",
        f"--outage-port={args.outage_port}",
        f"--outage-pg-port={args.outage_pg_port}",
    ]


def outage(args: argparse.Namespace) -> None:
    """(f) alone: its own cluster, migrated, the run, the cluster removed."""
    from bench.outage import OutageSizes, outage_bench, throwaway_cluster

    sizes = OutageSizes(
        tablets=args.outage_tablets,
        steady=args.outage_load,
        down=args.outage_down,
        after=args.outage_load,
        port=args.outage_port,
        pg_port=args.outage_pg_port,
    )
    _log(
        f"\n(f) PostgreSQL killed and restarted during the tablets' load: {sizes.tablets} "
        f"tablets, {sizes.steady:.0f} s, {sizes.down:.0f} s down, {sizes.after:.0f} s"
    )
    summary: list[tuple[str, str]] = []
    with throwaway_cluster(sizes, _log) as cluster:
        if cluster is None:
            summary.append(("(f) PostgreSQL outage", "skipped (no initdb)"))
        else:
            # Always the throw-away cluster, whatever DATABASE_URL says.
            os.environ["DATABASE_URL"] = cluster.url
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
            os.environ["DEBUG"] = "0"
            import django

            django.setup()
            from django.core.management import call_command

            started = time.perf_counter()
            call_command("migrate", verbosity=0)
            _log(f"  migrated in {time.perf_counter() - started:.1f} s")
            summary += outage_bench(sizes, _log, cluster)
    print("\nSummary")
    width = max(len(label) for label, _ in summary)
    for label, figure in summary:
        print(f"  {label.ljust(width)}  {figure}")


def _create_database(url: str) -> None:
    """CREATE DATABASE when a PostgreSQL URL names one that does not exist yet."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        return
    import psycopg

    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}")


def _log(message: str) -> None:
    print(message, flush=True)


def _best(fn, repeat: int = 2):
    """(best seconds, its result) over `repeat` runs; the first run warms the caches."""
    best, kept = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        if seconds < best:
            best, kept = seconds, result
        del result  # let the next run start without the previous one's objects
    return best, kept


# ---------------------------------------------------------------- (a) national scale


def national(sizes: Sizes, *, quick: bool) -> list[tuple[str, str]]:
    from django.db import connection
    from django_scopes import scope

    from bench.seed import PENILAI, flat_set, region_with_period, seed_scores_sql
    from evaluations.ranking_sums import summed_scoring_input_from_layout
    from evaluations.scoring_input import period_score_layout
    from evaluations.selectors import ranking_for_period
    from scoring.engine import compute_ranking

    kecamatan = sizes.national_kecamatan
    indicators = sizes.national_aspects * sizes.national_per_aspect
    expected = kecamatan * PENILAI * indicators
    _log(
        f"\n(a) National scale: {kecamatan:,} kecamatan × {PENILAI} penilai × {indicators} "
        f"indicators = {expected:,} values"
    )
    if connection.vendor != "postgresql":
        _log("  skipped: needs PostgreSQL (set DATABASE_URL)")
        return [("(a) national ranking", "skipped (not PostgreSQL)")]

    start = time.perf_counter()
    period = region_with_period(
        slug="bench-nasional-quick" if quick else "bench-nasional",
        kecamatan=kecamatan,
        set_data=flat_set(
            "nasional",
            aspects=sizes.national_aspects,
            per_aspect=sizes.national_per_aspect,
            choice_every=5,
        ),
    )
    setup = time.perf_counter() - start
    seeded = seed_scores_sql(period, expected, _log)
    if seeded is None:
        _log(f"  seed: reused the {expected:,} values already stored")
        seed_text = "reused"
    else:
        _log(f"  seed: {expected:,} values in {seeded:.1f} s (INSERT … SELECT ×2)")
        seed_text = f"{seeded + setup:.1f} s"

    with scope(region=period.region):

        def fast():
            return ranking_for_period(period=period, trace=False)

        def group_by():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT kecamatan_id, assessor_id, SUM(value) FROM evaluations_scoreentry "
                    "WHERE period_id = %s GROUP BY kecamatan_id, assessor_id",
                    [period.pk],
                )
                return cursor.fetchall()

        # Alternate the two, so that both see the same machine (best of each).
        fast_seconds = sql_seconds = float("inf")
        ranking = sums = None
        for _ in range(3):
            seconds, result = _best(fast, repeat=1)
            if seconds < fast_seconds:
                fast_seconds, ranking = seconds, result
            seconds, result = _best(group_by, repeat=1)
            if seconds < sql_seconds:
                sql_seconds, sums = seconds, result

        def parts():
            t0 = time.perf_counter()
            layout = period_score_layout(period=period)
            t1 = time.perf_counter()
            data = summed_scoring_input_from_layout(layout=layout)
            t2 = time.perf_counter()
            compute_ranking(data, trace=False)
            t3 = time.perf_counter()
            return {"layout": t1 - t0, "sums": t2 - t1, "engine": t3 - t2}

        _, split = _best(parts, repeat=1)
        _log("  full trace (the breakdown's path, for information) …")
        full_seconds, full = _best(lambda: ranking_for_period(period=period), repeat=1)

    ranked = sum(1 for r in ranking.results if r.rank is not None)
    same = ranking.essentials() == full.essentials()
    del full
    ratio = fast_seconds / sql_seconds
    _log(
        f"  ranking end to end, ranking_for_period(trace=False): {fast_seconds:.2f} s "
        f"(layout {split['layout']:.2f} s, database sums {split['sums']:.2f} s, "
        f"engine {split['engine']:.2f} s; {ranked:,} ranked)"
    )
    _log(f"  SQL SUM … GROUP BY: {sql_seconds:.2f} s ({len(sums):,} groups)")
    _log(f"  ratio: {ratio:.1f}× (goal ≤ 3×)")
    _log(
        f"  full trace, ranking_for_period(trace=True): {full_seconds:.2f} s "
        f"({full_seconds / sql_seconds:.1f}×); same ranks, scores, predikat, statuses, "
        f"notes and warnings: {'yes' if same else 'NO'}"
    )
    return [
        ("(a) values", f"{expected:,}"),
        ("(a) seeding", seed_text),
        (
            "(a) ranking end to end (trace=False)",
            f"{fast_seconds:.2f} s (layout {split['layout']:.2f} + sums {split['sums']:.2f} + "
            f"engine {split['engine']:.2f})",
        ),
        ("(a) SQL SUM … GROUP BY", f"{sql_seconds:.2f} s"),
        ("(a) ratio (goal ≤ 3×)", f"{ratio:.1f}×"),
        ("(a) full trace (trace=True), information", f"{full_seconds:.2f} s"),
        ("(a) both paths agree", "yes" if same else "NO"),
    ]


# ---------------------------------------------------------------- (b) small periods


def small_periods() -> list[tuple[str, str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_scopes import scope

    from bench.seed import fill_rows, pekalongan_set, region_with_period
    from evaluations.score_workbook import score_template_rows
    from evaluations.scoring_input import period_score_layout, scoring_input_from_layout
    from evaluations.selectors import ranking_for_period
    from evaluations.services import scores_import_rows

    _log("\n(b) Pekalongan instrument, 40- and 10-kecamatan periods, fully scored")
    results: dict[int, tuple[float, int]] = {}
    for size in (40, 10):
        period = region_with_period(
            slug="bench-kabupaten",
            kecamatan=40,
            set_data=pekalongan_set(),
            period_slug=f"p{size}",
            period_kecamatan=size,
        )
        with scope(region=period.region):
            if not period.score_entries.exists():
                data = scoring_input_from_layout(layout=period_score_layout(period=period))
                rows = fill_rows(score_template_rows(data), random.Random(size))
                scores_import_rows(period=period, rows=rows, by=None)
            counts = {}
            for trace in (False, True):  # the ranking table's path, then the breakdown's
                ranking_for_period(period=period, trace=trace)  # warm
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    ranking_for_period(period=period, trace=trace)
                    seconds = time.perf_counter() - start
                counts[trace] = (seconds, len(queries))
            results[size] = counts[False]
        _log(
            f"  {size} kecamatan: ranking {counts[False][0] * 1000:.0f} ms, "
            f"{counts[False][1]} queries (full trace: {counts[True][0] * 1000:.0f} ms, "
            f"{counts[True][1]} queries)"
        )
    same = results[40][1] == results[10][1]
    _log(f"  queries equal for 40 and 10: {'yes' if same else 'NO'}")
    return [
        ("(b) ranking, 40 kecamatan", f"{results[40][0] * 1000:.0f} ms, {results[40][1]} queries"),
        ("(b) ranking, 10 kecamatan", f"{results[10][0] * 1000:.0f} ms, {results[10][1]} queries"),
        ("(b) query count constant", "yes" if same else "NO"),
    ]


# ---------------------------------------------------------------- (c) score import


def score_import(sizes: Sizes, *, quick: bool) -> list[tuple[str, str]]:
    import openpyxl
    from django_scopes import scope

    from bench.seed import PENILAI, fill_rows, flat_set, region_with_period
    from evaluations.models import ScoreEntry
    from evaluations.score_workbook import HEADER, SHEET, score_template_rows
    from evaluations.scoring_input import period_score_layout, scoring_input_from_layout
    from evaluations.services import scores_import

    rows_expected = sizes.import_kecamatan * PENILAI * sizes.import_indicators
    _log(f"\n(c) Import of a {rows_expected:,}-row score workbook")
    period = region_with_period(
        slug="bench-impor-quick" if quick else "bench-impor",
        kecamatan=sizes.import_kecamatan,
        set_data=flat_set(
            "impor", aspects=2, per_aspect=sizes.import_indicators // 2, choice_every=4
        ),
    )
    figures: list[tuple[str, str]] = []
    with scope(region=period.region):
        ScoreEntry.objects.filter(period=period).delete()
        start = time.perf_counter()
        data = scoring_input_from_layout(layout=period_score_layout(period=period))
        template = list(score_template_rows(data))
        template_seconds = time.perf_counter() - start
        workbooks = []
        for seed in (1, 2):
            rows = fill_rows(template, random.Random(seed))
            book = openpyxl.Workbook(write_only=True)
            sheet = book.create_sheet(SHEET)
            sheet.append(HEADER)
            for _, row in rows:
                sheet.append(row)
            buffer = io.BytesIO()
            book.save(buffer)
            workbooks.append(buffer.getvalue())
        assert len(template) == rows_expected, (len(template), rows_expected)
        _log(f"  template rows built in {template_seconds:.2f} s; workbook {len(workbooks[0]):,} B")

        for label, workbook in (
            ("first import (all new)", workbooks[0]),
            ("re-import, new values", workbooks[1]),
            ("re-import, nothing changed", workbooks[1]),
        ):
            start = time.perf_counter()
            result = scores_import(period=period, workbook=workbook, by=None)
            seconds = time.perf_counter() - start
            rate = result.rows / seconds
            _log(
                f"  {label}: {seconds:.2f} s, {rate:,.0f} rows/s "
                f"(stored {result.stored:,}, unchanged {result.unchanged:,})"
            )
            figures.append((f"(c) {label}", f"{rate:,.0f} rows/s ({seconds:.2f} s)"))
    return figures


if __name__ == "__main__":
    sys.exit(main())
