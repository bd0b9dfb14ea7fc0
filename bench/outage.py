"""(f) PostgreSQL killed and restarted while tablets score (`python -m bench --outage`).

The shared database server is never touched: the bench makes a throw-away cluster of its
own (`initdb` into a temporary directory, run as the `postgres` OS user when the bench runs
as root), on 127.0.0.1:5499, serves the app against it with gunicorn and runs `tablets`
simulated tablets with the scoring page's own request pattern (static/js/tablet-outbox.js):

- a penilai changes one cell every `interval` seconds; the change goes into the tablet's
  outbox first (an unsent change of the same cell is replaced, as on the page) and the
  outbox is sent at once, one change per PATCH, oldest first, each with its own
  Idempotency-Key and the sheet version of the last answer; before a change leaves, its
  body is frozen, so a resend after a failure is the same request;
- a change leaves the outbox only on 200; no answer or a 5xx stops the sending until the
  next change or the 15-second timer (the page's retry); a 409 for another cell resends the
  change on the current version, as the page does;
- a few sessions read `GET /api/v1/<region>/me/`, the trivial baseline, all along.

After `steady` seconds the postmaster and its backends are killed (SIGKILL to the cluster's
process group: a crash, not a shutdown); after `down` seconds PostgreSQL is started again on
the same data directory (crash recovery) and the tablets keep scoring for `after` seconds,
then send what is left. Reported: requests that failed during the outage, the tablets'
retries (a frozen change sent again), time to recover (first 200 after the kill, every
outbox empty again), lost values (a cell whose stored value is not the one the tablet's
last 200 answer showed it), duplicated writes (an idempotency key with more than one
history row, or a history row no tablet was told of), and the p95 ratio PATCH / baseline
outside the outage. Nothing is asserted. Every loop has a deadline; the cluster and its
directory are removed at the end, also on failure. Without `initdb` the run is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from bench.sheets_load import (
    HOST,
    REGION,
    LoadSizes,
    Server,
    Session,
    _login_all,
    _open_all,
    percentiles,
    seed,
)

DATABASE = "kinerja_outage"
RETRY_SECONDS = 15.0  # the page's timer (tablet.js RETRY_MS)


@dataclass(frozen=True)
class OutageSizes:
    tablets: int = 30
    baseline: int = 5
    interval: tuple[float, float] = (2.0, 6.0)  # seconds between a penilai's changes
    steady: float = 20.0  # load before the kill
    down: float = 5.0  # PostgreSQL down
    after: float = 20.0  # load after the restart
    workers: int = 3
    port: int = 8114  # gunicorn
    pg_port: int = 5499  # the throw-away cluster


# ---------------------------------------------------------------- the throw-away cluster


def postgres_binaries() -> Path | None:
    """The directory holding initdb and postgres (Debian's newest), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: str) -> int:
    try:
        return int(Path(path).parts[-3])
    except ValueError:
        return 0


class Cluster:
    """A PostgreSQL cluster in a temporary directory, in its own process group."""

    def __init__(self, binaries: Path, port: int, log) -> None:
        self.bin = binaries
        self.port = port
        self.log = log
        self.dir = Path(tempfile.mkdtemp(prefix="kinerja-bench-pg-"))
        self.data = self.dir / "data"
        self.process: subprocess.Popen | None = None
        # initdb and postgres refuse to run as root: run them as the postgres OS user.
        self.as_user = "postgres" if os.geteuid() == 0 else None
        if self.as_user:
            shutil.chown(self.dir, self.as_user, self.as_user)

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{DATABASE}"

    def _run(self, *command: str) -> None:
        subprocess.run(
            [str(self.bin / command[0]), *command[1:]],
            check=True,
            capture_output=True,
            user=self.as_user,
            group=self.as_user,
            cwd=self.dir,
            timeout=120,
        )

    def create(self) -> None:
        started = time.perf_counter()
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        self.start()
        import psycopg

        with psycopg.connect(self._admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
        self.log(
            f"  cluster: PostgreSQL {self.bin.parent.name} in {self.data} on {HOST}:{self.port} "
            f"({time.perf_counter() - started:.1f} s)"
        )

    def _admin_url(self) -> str:
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    def start(self, timeout: float = 60.0) -> float:
        """Start the postmaster (crash recovery after a kill); seconds until it accepts."""
        started = time.perf_counter()
        self.logfile = open(self.dir / "postgres.log", "ab")  # noqa: SIM115 - closed in stop()
        options = {"listen_addresses": HOST, "max_connections": "60"}
        command = [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port)]
        command += ["-k", str(self.dir)]  # the socket stays in our directory
        for name, value in options.items():
            command += ["-c", f"{name}={value}"]
        self.process = subprocess.Popen(
            command,
            stdout=self.logfile,
            stderr=subprocess.STDOUT,
            user=self.as_user,
            group=self.as_user,
            cwd=self.dir,
            start_new_session=True,
        )
        import psycopg

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"postgres exited: {self.tail()}")
            try:
                with psycopg.connect(self._admin_url(), connect_timeout=1):
                    return time.perf_counter() - started
            except psycopg.OperationalError:
                time.sleep(0.1)
        raise RuntimeError(f"postgres did not accept connections in {timeout:.0f} s")

    def kill(self) -> None:
        """SIGKILL to the postmaster and every backend: what a crash leaves behind."""
        if self.process is None:
            return
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.logfile.close()
        self.process = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # fast shutdown
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        if self.process is not None:
            self.logfile.close()
            self.process = None

    def tail(self, lines: int = 20) -> str:
        path = self.dir / "postgres.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
        self.log(f"  cluster stopped and {self.dir} removed")


# ---------------------------------------------------------------- a tablet


@dataclass
class Change:
    key: str
    cell: str
    value: str
    base: str | None
    sent_version: int | None = None  # frozen once sent: a resend is the same request
    attempts: int = 0


def _same(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a is b
    return Decimal(a) == Decimal(b)


@dataclass
class Record:
    """Every request of the run: (kind, started, seconds, status)."""

    rows: list[tuple[str, float, float, int]] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)

    def add(self, kind: str, started: float, seconds: float, status: int) -> None:
        self.rows.append((kind, started, seconds, status))


class Tablet:
    """One penilai's tablet on one sheet, following the page's outbox rules."""

    def __init__(self, session: Session, sheet: int, version: int, record: Record) -> None:
        self.session = session
        self.sheet = sheet
        self.version = version
        self.snapshot: dict[str, str | None] = {}  # the server's last confirmed values
        self.outbox: list[Change] = []
        self.record = record
        self.confirmed: set[str] = set()  # keys answered 200
        self.sent: set[str] = set()
        self.retries = 0  # frozen changes sent again
        self.conflicts = 0
        self.lock = asyncio.Lock()
        self.again = False
        self.emptied_at: list[float] = []  # moments the outbox became empty after a flush

    def change(self, cell: str, value: str, run: str, n: int) -> None:
        unsent = [c for c in self.outbox if c.cell == cell and c.sent_version is None]
        if unsent:
            last = unsent[-1]
            last.value = value
            if _same(last.value, last.base):
                self.outbox.remove(last)
            return
        sent = [c for c in self.outbox if c.cell == cell]
        base = sent[-1].value if sent else self.snapshot.get(cell)
        if not _same(value, base):
            self.outbox.append(Change(f"{run}-{self.session.username}-{n}", cell, value, base))

    async def flush(self) -> str:
        """Send the outbox until it is empty ("saved") or a request fails ("offline")."""
        if self.lock.locked():
            self.again = True
            return "busy"
        async with self.lock:
            while True:
                self.again = False
                state = await self._flush_locked()
                if state != "saved" or not self.again:
                    return state

    async def _flush_locked(self) -> str:
        for _guard in range(500):
            if not self.outbox:
                self.emptied_at.append(time.monotonic())
                return "saved"
            entry = self.outbox[0]
            if entry.sent_version is None:
                now = self.snapshot.get(entry.cell)
                if _same(now, entry.value):
                    self.outbox.pop(0)
                    continue
                if not _same(now, entry.base):
                    self.conflicts += 1  # one device per sheet: should not happen
                    self.outbox.pop(0)
                    continue
                entry.sent_version = self.version
            elif entry.attempts:
                self.retries += 1
            entry.attempts += 1
            body = {
                "version": entry.sent_version,
                "values": [{"indicator": entry.cell, "part": "", "value": entry.value}],
            }
            self.sent.add(entry.key)
            status, data = await self._patch(body, entry.key)
            if status == 200 and data is not None:
                self._adopt(data)
                self.confirmed.add(entry.key)
                self.outbox.pop(0)
                continue
            if status == 409 and data and data.get("code") == "version_conflict":
                self._adopt(data)
                theirs = self.snapshot.get(entry.cell)
                if _same(theirs, entry.value):
                    self.outbox.pop(0)
                elif _same(theirs, entry.base):
                    entry.key, entry.sent_version, entry.attempts = (
                        f"{entry.key}-r{uuid.uuid4().hex[:6]}",
                        None,
                        0,
                    )
                else:
                    self.conflicts += 1
                    self.outbox.pop(0)
                continue
            if status == 422 and data and data.get("code") == "idempotency_key_reused":
                entry.key, entry.sent_version, entry.attempts = (
                    f"{entry.key}-k{uuid.uuid4().hex[:6]}",
                    None,
                    0,
                )
                continue
            return "offline"  # no answer, a 5xx (the database is away), anything else
        return "offline"

    def _adopt(self, data: dict) -> None:
        if data["version"] >= self.version:
            self.version = data["version"]
            self.snapshot = {c["indicator"]: c["value"] for c in data["values"] if not c["part"]}

    async def _patch(self, body: dict, key: str) -> tuple[int, dict | None]:
        import json

        started = time.perf_counter()
        moment = time.monotonic()
        try:
            answer = await self.session.http.patch(
                f"/api/v1/{REGION}/sheets/{self.sheet}/",
                content=json.dumps(body),
                headers={
                    **self.session.headers(key, tablet=True),
                    "Content-Type": "application/json",
                },
            )
        except Exception as error:  # refused, reset: the tablet keeps the change
            self.record.add("patch", moment, time.perf_counter() - started, 0)
            self.record.errors[type(error).__name__] += 1
            return 0, None
        self.record.add("patch", moment, time.perf_counter() - started, answer.status_code)
        try:
            return answer.status_code, answer.json()
        except ValueError:
            return answer.status_code, None


async def _penilai(
    tablet: Tablet, cells: list[str], stop_at: float, rng: random.Random, run: str, sizes
) -> None:
    """Changes a cell now and then; each change is sent at once (the page's autosave)."""
    n = 0
    flushing: set[asyncio.Task] = set()
    while time.monotonic() < stop_at:
        await asyncio.sleep(rng.uniform(*sizes.interval))
        n += 1
        tablet.change(rng.choice(cells), f"{rng.randint(0, 10000) / 100:.2f}", run, n)
        task = asyncio.create_task(tablet.flush())
        flushing.add(task)
        task.add_done_callback(flushing.discard)
    await asyncio.gather(*flushing)


async def _timer(tablet: Tablet, stop_at: float, rng: random.Random) -> None:
    """The page's timer: every 15 s, send what waits."""
    await asyncio.sleep(rng.uniform(0, RETRY_SECONDS))
    while time.monotonic() < stop_at:
        if tablet.outbox:
            await tablet.flush()
        await asyncio.sleep(RETRY_SECONDS)


async def _drain(tablet: Tablet, deadline: float) -> None:
    """After the last change: the timer keeps sending until the outbox is empty."""
    while tablet.outbox and time.monotonic() < deadline:
        if await tablet.flush() == "saved":
            return
        await asyncio.sleep(min(RETRY_SECONDS, max(0.0, deadline - time.monotonic())))


async def _baseline(session: Session, record: Record, stop_at: float, rng: random.Random) -> None:
    while time.monotonic() < stop_at:
        await asyncio.sleep(rng.uniform(0.5, 1.0))
        started, moment = time.perf_counter(), time.monotonic()
        try:
            answer = await session.http.get(f"/api/v1/{REGION}/me/")
            status = answer.status_code
        except Exception as error:
            status = 0
            record.errors[type(error).__name__] += 1
        record.add("me", moment, time.perf_counter() - started, status)


async def _run(server: Server, cluster: Cluster, seeded, sizes: OutageSizes, log) -> dict:
    run = f"outage-{uuid.uuid4().hex[:8]}"
    base = server.base
    sessions = [Session(base, name) for name, _sheet in seeded.own[: sizes.tablets]]
    readers: list[Session] = []
    try:
        log(f"  logging {len(sessions)} tablets in through /akun/login/ …")
        login_seconds = await _login_all(sessions, parallel=sizes.workers)
        readers = [s.copy(base) for s in sessions[: sizes.baseline]]
        sheets = [sheet for _name, sheet in seeded.own[: sizes.tablets]]
        versions = await _open_all(list(zip(sessions, sheets, strict=True)), sizes.workers * 2)
        record = Record()
        tablets = [
            Tablet(s, sheet, version, record)
            for s, sheet, version in zip(sessions, sheets, versions, strict=True)
        ]
        for tablet in tablets:  # the page draws the sheet as stored: the first snapshot
            answer = await tablet.session.http.get(f"/api/v1/{REGION}/sheets/{tablet.sheet}/")
            tablet._adopt(answer.json())
        log(
            f"  logged in and opened in {login_seconds:.1f} s; {sizes.tablets} tablets change a "
            f"cell every {sizes.interval[0]:.0f}–{sizes.interval[1]:.0f} s, {sizes.baseline} "
            f"read /me/; PostgreSQL is killed after {sizes.steady:.0f} s"
        )
        start = time.monotonic()
        stop_at = start + sizes.steady + sizes.down + sizes.after
        load = asyncio.gather(
            *(
                _penilai(t, seeded.cells, stop_at, random.Random(f"{run}{i}"), run, sizes)
                for i, t in enumerate(tablets)
            ),
            *(_timer(t, stop_at, random.Random(f"{run}t{i}")) for i, t in enumerate(tablets)),
            *(
                _baseline(r, record, stop_at, random.Random(f"{run}r{i}"))
                for i, r in enumerate(readers)
            ),
        )
        loop = asyncio.get_running_loop()

        async def outage() -> tuple[float, float, float]:
            await asyncio.sleep(sizes.steady)
            killed = time.monotonic()
            await loop.run_in_executor(None, cluster.kill)
            log(f"  t={killed - start:.1f} s: postmaster and backends killed (SIGKILL)")
            await asyncio.sleep(sizes.down)
            restarting = time.monotonic()
            took = await loop.run_in_executor(None, cluster.start)
            ready = time.monotonic()
            log(
                f"  t={restarting - start:.1f} s: PostgreSQL started again; accepting after "
                f"{took:.1f} s (crash recovery)"
            )
            return killed, restarting, ready

        (killed, restarting, ready), _ = await asyncio.wait_for(
            asyncio.gather(outage(), load), timeout=sizes.steady + sizes.down + sizes.after + 180
        )
        drain_started = time.monotonic()
        await asyncio.wait_for(
            asyncio.gather(*(_drain(t, drain_started + 90) for t in tablets)), timeout=120
        )
    finally:
        for session in sessions + readers:
            await session.close()
    return {
        "run": run,
        "tablets": tablets,
        "record": record,
        "login_seconds": login_seconds,
        "killed": killed,
        "restarting": restarting,
        "ready": ready,
        "start": start,
        "drain_seconds": time.monotonic() - drain_started,
    }


# ---------------------------------------------------------------- checking the database


@dataclass
class Verdict:
    lost: int = 0
    samples: list[str] = field(default_factory=list)
    duplicate_keys: int = 0  # keys with more than one history row
    unexpected: int = 0  # history rows whose key no tablet was answered 200 for
    unsent: int = 0  # changes still in an outbox at the end
    cells: int = 0


def verify(tablets: list[Tablet], run: str) -> Verdict:
    from django.db import connection
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from evaluations.models import ScoreEntry, ValueChange

    connection.close()  # the bench's connection died with the cluster
    verdict = Verdict()
    sheets = [t.sheet for t in tablets]
    with scopes_disabled():
        stored = {
            (sheet, code): value
            for sheet, code, value in ScoreEntry.objects.filter(
                sheet_id__in=sheets, part=""
            ).values_list("sheet_id", "indicator__code", "value")
        }
        history = dict(
            ValueChange.objects.filter(sheet_id__in=sheets, idempotency_key__startswith=run)
            .values("idempotency_key")
            .annotate(n=Count("pk"))
            .values_list("idempotency_key", "n")
        )
    confirmed = {key for t in tablets for key in t.confirmed}
    for tablet in tablets:
        verdict.unsent += len(tablet.outbox)
        for cell, value in tablet.snapshot.items():
            verdict.cells += 1
            held = stored.get((tablet.sheet, cell))
            if (held is None) != (value is None) or (held is not None and held != Decimal(value)):
                verdict.lost += 1
                if len(verdict.samples) < 5:
                    verdict.samples.append(
                        f"sheet {tablet.sheet} {cell}: tablet was told {value}, stored {held}"
                    )
    verdict.duplicate_keys = sum(1 for n in history.values() if n > 1)
    verdict.unexpected = sum(n for key, n in history.items() if key not in confirmed)
    return verdict


# ---------------------------------------------------------------- entry point


def outage_bench(sizes: OutageSizes, log, cluster: Cluster) -> list[tuple[str, str]]:
    """Run (f) against `cluster`, already created and holding the migrated database."""
    import logging

    from django.db import connection

    logging.getLogger("httpx").setLevel(logging.WARNING)
    seeded = seed(LoadSizes(clients=sizes.tablets, pairs=0, tablets=sizes.tablets, baseline=0), log)
    connection.close()
    server = Server(
        LoadSizes(workers=sizes.workers, port=sizes.port, clients=sizes.tablets, pairs=0), log
    )
    load_before = os.getloadavg()[0]
    try:
        server.start()
        result = asyncio.run(_run(server, cluster, seeded, sizes, log))
        tracebacks = server.errors_logged()
    finally:
        server.stop()
    load_after = os.getloadavg()[0]
    tablets, record = result["tablets"], result["record"]
    verdict = verify(tablets, result["run"])

    killed, ready = result["killed"], result["ready"]
    ok_after = sorted(
        moment + seconds
        for kind, moment, seconds, status in record.rows
        if kind == "patch" and status == 200 and moment >= killed
    )
    first_ok = ok_after[0] - killed if ok_after else float("nan")
    recovered = killed + first_ok if ok_after else ready
    emptied = [min((m for m in t.emptied_at if m >= ready), default=float("nan")) for t in tablets]
    all_empty = max(emptied) - killed if emptied else float("nan")

    def failed(row) -> bool:
        return row[3] == 0 or row[3] >= 500

    during = [r for r in record.rows if killed <= r[1] < recovered]
    outside = [r for r in record.rows if not (killed - 1 <= r[1] < recovered + 1)]
    patch = percentiles([r[2] for r in outside if r[0] == "patch" and r[3] == 200])
    me = percentiles([r[2] for r in outside if r[0] == "me" and r[3] == 200])
    ratio = patch[1] / me[1] if me[1] else float("nan")
    failures = Counter(("patch" if r[0] == "patch" else "me", r[3]) for r in during if failed(r))
    failed_outside = sum(1 for r in outside if failed(r))
    statuses = Counter(r[3] for r in record.rows if r[0] == "patch")
    retries = sum(t.retries for t in tablets)
    conflicts = sum(t.conflicts for t in tablets)
    changes = len({key for t in tablets for key in t.sent})

    def shown(counter: Counter) -> str:
        return ", ".join(f"{k[0]} {k[1] or 'no answer'}: {n}" for k, n in sorted(counter.items()))

    log(
        "  PATCH statuses over the run: "
        + ", ".join(f"{s or 'no answer'}: {n:,}" for s, n in sorted(statuses.items()))
        + f"; client errors: {dict(record.errors) or 'none'}"
    )
    log(
        f"  failed during the outage ({recovered - killed:.1f} s from the kill to the first "
        f"PATCH answered 200): {sum(failures.values())} requests ({shown(failures) or 'none'}); "
        f"failed outside it: {failed_outside}"
    )
    log(
        f"  client retries (a frozen change sent again): {retries}; changes sent: {changes}; "
        f"conflicts: {conflicts}"
    )
    log(
        f"  recovery: PostgreSQL accepting {ready - killed:.1f} s after the kill "
        f"({sizes.down:.0f} s down + crash recovery), first PATCH answered 200 after "
        f"{first_ok:.1f} s, every tablet's outbox empty after {all_empty:.1f} s; final drain "
        f"{result['drain_seconds']:.1f} s"
    )
    log(
        f"  outside the outage: PATCH p50 {patch[0]:.0f} / p95 {patch[1]:.0f} / p99 "
        f"{patch[2]:.0f} ms; GET /me/ p50 {me[0]:.0f} / p95 {me[1]:.0f} / p99 {me[2]:.0f} ms; "
        f"p95 ratio {ratio:.1f}× (goal ≤ 2×); load average {load_before:.1f} before, "
        f"{load_after:.1f} after ({os.cpu_count()} cores)"
    )
    log(
        f"  database against what the tablets were told: {verdict.cells} cells compared, lost "
        f"{verdict.lost}; idempotency keys with more than one history row "
        f"{verdict.duplicate_keys}; history rows no tablet was told of {verdict.unexpected}; "
        f"changes left unsent {verdict.unsent}; server tracebacks {tracebacks} (the outage's 500s)"
    )
    for sample in verdict.samples:
        log(f"    {sample}")
    return [
        ("(f) requests failed during the outage", str(sum(failures.values()))),
        ("(f) client retries", str(retries)),
        ("(f) PostgreSQL accepting after the kill", f"{ready - killed:.1f} s"),
        ("(f) first PATCH answered 200 after the kill", f"{first_ok:.1f} s"),
        ("(f) every outbox empty after the kill", f"{all_empty:.1f} s"),
        ("(f) lost values (goal 0)", f"{verdict.lost} of {verdict.cells}"),
        (
            "(f) duplicated writes (goal 0)",
            f"{verdict.duplicate_keys} keys twice, {verdict.unexpected} unannounced",
        ),
        ("(f) changes left unsent", str(verdict.unsent)),
        ("(f) p95 ratio PATCH / baseline, outside the outage", f"{ratio:.1f}×"),
    ]


@contextlib.contextmanager
def throwaway_cluster(sizes: OutageSizes, log):
    """The cluster for (f), or None when this machine has no initdb (the run is skipped)."""
    binaries = postgres_binaries()
    if binaries is None:
        log("  skipped: initdb not found (apt-get install postgresql)")
        yield None
        return
    cluster = Cluster(binaries, sizes.pg_port, log)
    try:
        cluster.create()
        yield cluster
    finally:
        cluster.remove()
