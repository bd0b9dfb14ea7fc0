"""`make bench` (`python -m bench`): figures for ranking and score import, printed, not asserted.

(a) national scale in PostgreSQL: 7,277 kecamatan × 5 penilai × 60 indicators (≈ 2.2 million
    ScoreEntry rows), ranking end to end (`ranking_for_period(trace=False)`, the database
    adding up the values) against one SQL `SUM … GROUP BY` over the same rows; the full
    trace's time (`trace=True`) for information, and whether both paths agree;
(b) a 40- and a 10-kecamatan period of the Pekalongan instrument: ranking time and queries
    (the ranking table's `trace=False`; the breakdown's `trace=True` for information);
(c) importing a 24,800-row score workbook: rows per second;
(d) the sheets JSON API under load (bench/sheets_load.py): gunicorn on 127.0.0.1:8105 and
    100 clients autosaving their own sheet for 60 s, 10 pairs racing on one, a trivial
    authenticated baseline (`GET /api/v1/<region>/me/`), then 30 tablets flushing an outbox
    of 20 changes at once; latency percentiles, the p95 ratio to the baseline, conflicts,
    and from the database lost updates and duplicate writes. `--sheets` runs only (d) (in
    database kinerja_bench_sheets unless DATABASE_URL says otherwise), `--skip-sheets`
    leaves it out, `--sheets-seconds N` sets its length.

(f) PostgreSQL killed (SIGKILL) and restarted while 30 tablets score with the page's outbox
    pattern (bench/outage.py), in a throw-away cluster of its own on 127.0.0.1:5499 (never
    the shared server; skipped without initdb): failed requests, retries, time to recover,
    lost and duplicated values, the p95 ratio outside the outage. `--outage` runs only (f),
    `--skip-outage` leaves it out.

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kinerja_bench, created
when missing); seeded data is kept and reused by the next run. `--quick` uses smaller sizes.
"""
