"""`make bench` (`python -m bench`): figures for ranking and score import, printed, not asserted.

(a) national scale in PostgreSQL: 7,277 kecamatan × 5 penilai × 60 indicators (≈ 2.2 million
    ScoreEntry rows), ranking end to end (`ranking_for_period(trace=False)`, the database
    adding up the values) against one SQL `SUM … GROUP BY` over the same rows; the full
    trace's time (`trace=True`) for information, and whether both paths agree;
(b) a 40- and a 10-kecamatan period of the Pekalongan instrument: ranking time and queries
    (the ranking table's `trace=False`; the breakdown's `trace=True` for information);
(c) importing a 24,800-row score workbook: rows per second.

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/kinerja_bench, created
when missing); seeded data is kept and reused by the next run. `--quick` uses smaller sizes.
"""
