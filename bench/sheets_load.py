"""(d) The sheets API under load: gunicorn + PostgreSQL on loopback, asyncio + httpx clients.

- `clients` penilai autosave their own sheet (one cell per PATCH, every 0.5–1 s, with the
  version of their last answer; a 409 makes them adopt the version it returns); after one
  write in ten they replay it with the same Idempotency-Key, which must answer the same and
  write nothing; one write in twenty goes twice at once instead (a retry while the first
  is still in flight), counted apart;
- `pairs` × 2 sessions of one penilai (a tablet and a laptop) race on one sheet's two first
  cells;
- a few sessions read `GET /api/v1/<region>/me/` as often: the trivial authenticated baseline
  (session, user, region and memberships: what every request of a region pays);
- then `tablets` reconnect at once and flush an outbox of `burst` queued changes each,
  sequentially, and resend the last few as a lost acknowledgement would.

Afterwards the database is asked: every own-sheet cell holds the last value its client was
answered 200 for, every pair cell the value of the highest version answered 200, a sheet's
version rose by exactly its acknowledged changes, and no idempotency key has more than one
`ValueChange` (each write changes one cell). Nothing is asserted; the figures are printed.
Everything goes to 127.0.0.1 only; every loop is bounded by a deadline.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

REGION = "bench-lembar"
PERIOD = "2026"
PASSWORD = "bench-lembar-sandi"  # bench accounts only, in the bench database
HOST = "127.0.0.1"


@dataclass(frozen=True)
class LoadSizes:
    seconds: float = 60.0
    clients: int = 100  # each on its own sheet
    pairs: int = 10  # two sessions fighting over one sheet
    baseline: int = 10  # sessions reading /me/
    tablets: int = 30  # outbox flush after reconnect
    burst: int = 20  # queued changes per tablet
    workers: int = 3  # gunicorn sync workers, as docker-compose.yml runs them
    port: int = 8105


# ---------------------------------------------------------------- seed (Django ORM)


@dataclass
class Seeded:
    period_id: int
    cells: list[str]  # the team stage's indicator codes, in sheet order
    own: list[tuple[str, int]]  # (username, sheet id) per autosaving client
    pair: list[tuple[str, int]]  # (username, sheet id) per racing pair
    tablet: list[tuple[str, int]]  # (username, sheet id) per tablet (another kecamatan)


def seed(sizes: LoadSizes, log) -> Seeded:
    """Bekasi's instrument set in region `bench-lembar`, two kecamatan, penilai enough for
    the clients and pairs seated on the team (the first `tablets` of them use their sheet of
    the second kecamatan), the period open; sheets made by `sheets_sync`. Idempotent."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django_scopes import scope

    from evaluations.models import Period, Sheet, TeamMember
    from evaluations.services import period_create, period_set_status, team_member_add
    from evaluations.sheets import sheets_sync
    from instruments.models import Indicator, InstrumentSet
    from instruments.services import instrument_set_import_data
    from regions.models import Role
    from regions.services import kecamatan_upsert, membership_grant, region_upsert

    User = get_user_model()
    users_needed = max(sizes.clients, sizes.tablets) + sizes.pairs
    start = time.perf_counter()
    region = region_upsert(
        slug=REGION, name="Kota Bench Lembar", kind="kota", head_title="Wali Kota"
    )
    with scope(region=region), transaction.atomic():
        home, away = (kecamatan_upsert(region=region, name=n) for n in ("Pusat", "Utara"))
        data = _bekasi_set()
        instrument_set = InstrumentSet.objects.filter(
            code=data["code"], version=data["version"]
        ).first() or instrument_set_import_data(region=region, data=data)
        stage = instrument_set.stages.get()
        period = Period.objects.filter(slug=PERIOD).first() or period_create(
            region=region,
            slug=PERIOD,
            name="Bench lembar 2026",
            year_evaluated=2025,
            instrument_set=instrument_set,
            kecamatan=[home, away],
        )
        names = [f"bench-lembar-{n:03d}" for n in range(1, users_needed + 1)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        if len(existing) < len(names):
            password = make_password(PASSWORD)  # slow on purpose: once, shared by all
            User.objects.bulk_create(
                [User(username=n, password=password) for n in names if n not in existing]
            )
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        seated = set(
            TeamMember.objects.filter(period=period).values_list("user__username", flat=True)
        )
        for name in names:
            if name not in seated:
                membership_grant(user=users[name], region=region, role=Role.PENILAI)
                team_member_add(period=period, stage=stage, user=users[name])
        if period.status == Period.Status.PREPARATION:
            period_set_status(period=period, status=Period.Status.OPEN, by=None)
        sheets_sync(period=period)
        sheet_of = {
            (username, kecamatan_id): pk
            for pk, username, kecamatan_id in Sheet.objects.filter(period=period).values_list(
                "pk", "assessor__username", "kecamatan_id"
            )
        }
        cells = list(
            Indicator.objects.filter(aspect__stage=stage, entered_by="team")
            .order_by("aspect__order", "aspect__pk", "order", "pk")
            .values_list("code", flat=True)
        )
    own = [(n, sheet_of[(n, home.pk)]) for n in names[: sizes.clients]]
    pair = [(n, sheet_of[(n, home.pk)]) for n in names[users_needed - sizes.pairs :]]
    tablet = [(n, sheet_of[(n, away.pk)]) for n in names[: sizes.tablets]]
    log(
        f"  seed: {len(names)} penilai seated, {len(sheet_of)} sheets of {len(cells)} cells "
        f"({time.perf_counter() - start:.1f} s)"
    )
    return Seeded(period.pk, cells, own, pair, tablet)


def _bekasi_set() -> dict:
    from django.conf import settings

    path = Path(settings.BASE_DIR) / "fixtures" / "bekasi" / "instrument_set.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["code"] = f"{data['code']}-bench-lembar"
    return data


# ---------------------------------------------------------------- gunicorn


class Server:
    """gunicorn on 127.0.0.1:<port> in its own process group; `stop` ends that group."""

    def __init__(self, sizes: LoadSizes, log) -> None:
        self.sizes = sizes
        self.log = log
        self.dir = Path(tempfile.mkdtemp(prefix="kinerja-bench-gunicorn-"))
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.sizes.port}"

    def start(self) -> None:
        from django.conf import settings

        config = Path(settings.BASE_DIR) / "config" / "gunicorn.conf.py"
        command = [sys.executable, "-m", "gunicorn", "config.wsgi"]
        if config.exists():
            command += ["--config", str(config)]
        command += [
            "--bind",
            f"{HOST}:{self.sizes.port}",
            "--workers",
            str(self.sizes.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--error-logfile",
            str(self.dir / "error.log"),
        ]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DEBUG": "0",
            "ALLOWED_HOSTS": HOST,
            "LOG_LEVEL": "WARNING",
        }
        self.stderr = open(self.dir / "stderr.log", "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.stderr,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.log(
            f"  gunicorn: {self.sizes.workers} sync workers on {self.base} "
            f"(pid {self.process.pid}, logs in {self.dir})"
        )
        import httpx

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.tail()}")
            try:
                if httpx.get(f"{self.base}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"gunicorn did not answer /healthz in 60 s: {self.tail()}")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its workers so far (Linux /proc)."""
        if self.process is None:
            return 0.0
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid, ppid = int(stat.parent.name), int(fields[1])
            if self.process.pid in (pid, ppid):
                total += int(fields[11]) + int(fields[12])
        return total / tick

    def tail(self, lines: int = 30) -> str:
        text = ""
        for name in ("error.log", "stderr.log"):
            path = self.dir / name
            if path.exists():
                text += path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def errors_logged(self) -> int:
        return sum(
            (self.dir / name).read_text(errors="replace").count("Traceback")
            for name in ("error.log", "stderr.log")
            if (self.dir / name).exists()
        )

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)
        self.stderr.close()
        self.log("  gunicorn stopped")


# ---------------------------------------------------------------- clients


@dataclass
class Ack:
    """A write answered 200 that changed the sheet (its answer's version rose)."""

    key: str
    sheet: int
    cell: str
    value: str
    version: int  # the version the answer carried


@dataclass
class Tally:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    acks: list[Ack] = field(default_factory=list)
    keys: dict[str, int] = field(default_factory=dict)  # key -> sheet, every write sent
    replays: int = 0
    replay_mismatches: int = 0
    replay_samples: list[str] = field(default_factory=list)
    inflight: int = 0  # a retry sent while its original was in flight
    inflight_differ: Counter = field(default_factory=Counter)  # "first / retry" statuses
    errors: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float, status: int) -> None:
        self.latency[kind].append(seconds)
        self.statuses[(kind, status)] += 1


class Session:
    """One logged-in browser or tablet: its own cookies (session, CSRF)."""

    def __init__(self, base: str, username: str) -> None:
        import httpx

        self.username = username
        self.http = httpx.AsyncClient(
            base_url=base,
            timeout=httpx.Timeout(60.0),
            limits=httpx.Limits(max_connections=2, max_keepalive_connections=1),
        )

    async def login(self) -> None:
        page = await self.http.get("/akun/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            raise RuntimeError(f"login page for {self.username}: {page.status_code}")
        answer = await self.http.post(
            "/akun/login/",
            data={
                "username": self.username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": token.group(1),
            },
        )
        if answer.status_code != 302 or "sessionid" not in self.http.cookies:
            raise RuntimeError(f"login of {self.username}: {answer.status_code}")

    def copy(self, base: str) -> Session:
        twin = Session(base, self.username)
        twin.http.cookies.update(self.http.cookies)
        return twin

    def headers(self, key: str = "", tablet: bool = False) -> dict[str, str]:
        headers = {"X-CSRFToken": self.http.cookies.get("csrftoken", "")}
        if key:
            headers["Idempotency-Key"] = key
        if tablet:
            headers["X-Kinerja-Client"] = "tablet"
        return headers

    async def close(self) -> None:
        await self.http.aclose()


def _value(rng: random.Random) -> str:
    return f"{rng.randint(0, 10000) / 100:.2f}"


async def _patch(session: Session, tally: Tally, kind: str, sheet: int, body: dict, key: str):
    """Send one PATCH, time it; returns (status, parsed JSON or None)."""
    tally.keys[key] = sheet
    started = time.perf_counter()
    try:
        answer = await session.http.patch(
            f"/api/v1/{REGION}/sheets/{sheet}/",
            content=json.dumps(body),
            headers={
                **session.headers(key, tablet=kind == "flush"),
                "Content-Type": "application/json",
            },
        )
    except Exception as error:  # a refused or dropped connection: counted, not fatal
        tally.record(kind, time.perf_counter() - started, 0)
        tally.errors.append(f"{kind} {sheet}: {type(error).__name__}: {error}")
        return 0, None
    tally.record(kind, time.perf_counter() - started, answer.status_code)
    try:
        return answer.status_code, answer.json()
    except ValueError:
        tally.errors.append(f"{kind} {sheet}: {answer.status_code} not JSON")
        return answer.status_code, None


async def _open(session: Session, tally: Tally, sheet: int) -> int:
    """GET the sheet (a tablet opening it): its version."""
    answer = await session.http.get(f"/api/v1/{REGION}/sheets/{sheet}/")
    if answer.status_code != 200:
        raise RuntimeError(f"GET sheet {sheet} as {session.username}: {answer.status_code}")
    return answer.json()["version"]


async def _open_all(pairs: list[tuple[Session, int]], parallel: int) -> list[int]:
    gate = asyncio.Semaphore(parallel)
    scratch = Tally()

    async def one(session: Session, sheet: int) -> int:
        async with gate:
            return await _open(session, scratch, sheet)

    return list(await asyncio.gather(*(one(s, sheet) for s, sheet in pairs)))


async def autosave(
    session: Session,
    tally: Tally,
    sheet: int,
    cells: list[str],
    deadline: float,
    rng: random.Random,
    run: str,
    kind: str,
    device: str,
    version: int,
) -> None:
    n = 0
    while True:
        await asyncio.sleep(rng.uniform(0.5, 1.0))
        if time.monotonic() >= deadline:
            return
        n += 1
        cell, value = rng.choice(cells), _value(rng)
        key = f"{run}-{session.username}-{device}-{n}"
        body = {"version": version, "values": [{"indicator": cell, "part": "", "value": value}]}
        if kind == "patch" and rng.random() < 0.05:
            # A retry sent while the first is still on its way (a tablet's timeout): the
            # same key, the same body, at the same moment.
            (status, data), (other, other_data) = await asyncio.gather(
                _patch(session, tally, "inflight", sheet, body, key),
                _patch(session, tally, "inflight", sheet, body, key),
            )
            tally.inflight += 1
            if (other, other_data) != (status, data):
                tally.inflight_differ[f"{status} / {other}"] += 1
            acked = False  # one write, however many answers tell of it
            for answer_status, answer in ((status, data), (other, other_data)):
                if answer_status in (200, 409) and answer is not None and "version" in answer:
                    if answer_status == 200 and answer["version"] > body["version"] and not acked:
                        tally.acks.append(Ack(key, sheet, cell, value, answer["version"]))
                        acked = True
                    version = max(version, answer["version"])
            continue
        status, data = await _patch(session, tally, kind, sheet, body, key)
        if status == 200 and data is not None:
            if data["version"] > version:
                tally.acks.append(Ack(key, sheet, cell, value, data["version"]))
            version = data["version"]
            if rng.random() < 0.1 and time.monotonic() < deadline:
                again_status, again = await _patch(session, tally, "replay", sheet, body, key)
                tally.replays += 1
                if (again_status, again) != (status, data):
                    tally.replay_mismatches += 1
                    if len(tally.replay_samples) < 3:
                        tally.replay_samples.append(f"{key}: {again_status} {again}")
        elif status == 409 and data is not None and "version" in data:
            version = data["version"]  # adopt what is stored; the next change goes on top


async def baseline(session: Session, tally: Tally, deadline: float, rng: random.Random) -> None:
    while True:
        await asyncio.sleep(rng.uniform(0.5, 1.0))
        if time.monotonic() >= deadline:
            return
        started = time.perf_counter()
        try:
            answer = await session.http.get(f"/api/v1/{REGION}/me/")
            status = answer.status_code
        except Exception as error:
            status = 0
            tally.errors.append(f"me: {type(error).__name__}: {error}")
        tally.record("me", time.perf_counter() - started, status)


async def flush(
    session: Session,
    tally: Tally,
    sheet: int,
    cells: list[str],
    burst: int,
    rng: random.Random,
    run: str,
    took: list[float],
    version: int,
) -> None:
    """A tablet back online: its outbox of `burst` changes goes out one after another (each
    with the version the previous answer gave, a key made when the change was queued), then
    the last 5 again, as after an acknowledgement lost on the way."""
    outbox = [
        (f"{run}-{session.username}-outbox-{n}", rng.choice(cells), _value(rng))
        for n in range(burst)
    ]
    started = time.perf_counter()
    sent: list[tuple[str, dict, int, object]] = []
    for key, cell, value in outbox:
        body = {"version": version, "values": [{"indicator": cell, "part": "", "value": value}]}
        status, data = await _patch(session, tally, "flush", sheet, body, key)
        if status == 200 and data is not None:
            if data["version"] > version:
                tally.acks.append(Ack(key, sheet, cell, value, data["version"]))
            version = data["version"]
        elif status == 409 and data is not None and "version" in data:
            version = data["version"]
        sent.append((key, body, status, data))
    for key, body, status, data in sent[-5:]:
        again_status, again = await _patch(session, tally, "flush", sheet, body, key)
        tally.replays += 1
        if (again_status, again) != (status, data):
            tally.replay_mismatches += 1
    took.append(time.perf_counter() - started)


# ---------------------------------------------------------------- the run


def percentiles(values: list[float]) -> tuple[float, float, float]:
    """(p50, p95, p99) in milliseconds."""
    if not values:
        return (float("nan"),) * 3
    if len(values) == 1:
        return (values[0] * 1000,) * 3
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000, q[98] * 1000


def _machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


async def _login_all(sessions: list[Session], parallel: int) -> float:
    gate = asyncio.Semaphore(parallel)

    async def one(session: Session) -> None:
        async with gate:
            await session.login()

    started = time.perf_counter()
    await asyncio.gather(*(one(s) for s in sessions))
    return time.perf_counter() - started


async def _run(server: Server, seeded: Seeded, sizes: LoadSizes, log) -> dict:
    run = f"bench-{uuid.uuid4().hex[:8]}"
    rng = random.Random(run)
    base = server.base
    own = [Session(base, name) for name, _sheet in seeded.own]
    tablets = [Session(base, name) for name, _sheet in seeded.pair]  # first device of a pair
    laptops = [Session(base, name) for name, _sheet in seeded.pair]  # its second device
    readers = [s.copy(base) for s in own[: sizes.baseline]]  # copied once logged in
    sessions = own + tablets + laptops
    try:
        log(f"  logging {len(sessions)} sessions in through /akun/login/ …")
        login_seconds = await _login_all(sessions, parallel=sizes.workers)
        log(
            f"  logged in: {login_seconds:.1f} s "
            f"({login_seconds / len(sessions) * 1000:.0f} ms each, {sizes.workers} at a time)"
        )
        for reader, session in zip(readers, own, strict=False):
            reader.http.cookies.update(session.http.cookies)

        # At rest: one request at a time, the service time without queueing.
        rest = Tally()
        _name, sheet = seeded.own[0]
        version = await _open(own[0], rest, sheet)
        for n in range(20):
            cell, value = seeded.cells[n % len(seeded.cells)], _value(rng)
            key = f"{run}-rest-{n}"
            body = {"version": version, "values": [{"indicator": cell, "part": "", "value": value}]}
            status, data = await _patch(own[0], rest, "patch", sheet, body, key)
            if status == 200 and data is not None:
                if data["version"] > version:
                    rest.acks.append(Ack(key, sheet, cell, value, data["version"]))
                version = data["version"]
            started = time.perf_counter()
            answer = await own[0].http.get(f"/api/v1/{REGION}/me/")
            rest.record("me", time.perf_counter() - started, answer.status_code)

        # Every device opens its sheet first (a GET, as a tablet does), outside the clock.
        writers = [(s, sheet, "own") for s, (_n, sheet) in zip(own, seeded.own, strict=True)]
        for i, (_name, sheet) in enumerate(seeded.pair):
            writers += [(tablets[i], sheet, "tablet"), (laptops[i], sheet, "laptop")]
        versions = await _open_all([(s, sheet) for s, sheet, _d in writers], sizes.workers * 2)

        tally = Tally()
        log(
            f"  load: {sizes.clients} autosaving clients, {sizes.pairs} racing pairs, "
            f"{sizes.baseline} baseline readers for {sizes.seconds:.0f} s …"
        )
        cpu0, busy0 = server.cpu_seconds(), _machine_busy()
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.perf_counter()
        deadline = time.monotonic() + sizes.seconds
        fight = seeded.cells[:2]  # both devices of a pair write the same two cells
        tasks = [
            autosave(
                session,
                tally,
                sheet,
                seeded.cells if device == "own" else fight,
                deadline,
                random.Random(f"{run}{device}{i}"),
                run,
                "patch" if device == "own" else "pair",
                device,
                version,
            )
            for i, ((session, sheet, device), version) in enumerate(
                zip(writers, versions, strict=True)
            )
        ]
        tasks += [
            baseline(reader, tally, deadline, random.Random(f"{run}r{i}"))
            for i, reader in enumerate(readers)
        ]
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=sizes.seconds + 120)
        wall = time.perf_counter() - wall0
        cpu1, busy1 = server.cpu_seconds(), _machine_busy()
        ru1 = resource.getrusage(resource.RUSAGE_SELF)

        # Tablets back online together (their sheet of the other kecamatan), each flushing
        # its outbox; they opened the sheet before going offline.
        pads = list(zip(own[: sizes.tablets], [sheet for _n, sheet in seeded.tablet], strict=True))
        versions = await _open_all(pads, sizes.workers * 2)
        flushes = Tally()
        took: list[float] = []
        log(f"  outbox flush: {sizes.tablets} tablets × {sizes.burst} queued changes at once …")
        flush_started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(
                *(
                    flush(
                        session,
                        flushes,
                        sheet,
                        seeded.cells,
                        sizes.burst,
                        random.Random(f"{run}t{i}"),
                        run,
                        took,
                        version,
                    )
                    for i, ((session, sheet), version) in enumerate(
                        zip(pads, versions, strict=True)
                    )
                )
            ),
            timeout=600,
        )
        flush_wall = time.perf_counter() - flush_started
    finally:
        for session in sessions + readers:
            await session.close()
    return {
        "run": run,
        "rest": rest,
        "tally": tally,
        "flushes": flushes,
        "flush_took": took,
        "flush_wall": flush_wall,
        "wall": wall,
        "logins": len(sessions),
        "login_seconds": login_seconds,
        "server_cpu": cpu1 - cpu0,
        "client_cpu": (ru1.ru_utime + ru1.ru_stime) - (ru0.ru_utime + ru0.ru_stime),
        "machine_busy": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
    }


# ---------------------------------------------------------------- checking the database


@dataclass
class Check:
    lost: int = 0
    lost_samples: list[str] = field(default_factory=list)
    version_drift: int = 0  # sheets whose version rose by other than their acknowledged changes
    duplicates: int = 0  # idempotency keys with more than one ValueChange
    missing_history: int = 0  # acknowledged changes without their ValueChange

    def lose(self, text: str) -> None:
        self.lost += 1
        if len(self.lost_samples) < 5:
            self.lost_samples.append(text)


def sheet_versions(sheet_ids) -> dict[int, int]:
    from django_scopes import scopes_disabled

    from evaluations.models import Sheet

    with scopes_disabled():
        return dict(Sheet.objects.filter(pk__in=list(sheet_ids)).values_list("pk", "version"))


def verify(tallies: list[Tally], start: dict[int, int], run: str) -> Check:
    """Compare what the clients were told with what the database holds (see module doc)."""
    from django.db.models import Count
    from django_scopes import scopes_disabled

    from evaluations.models import ScoreEntry, ValueChange

    check = Check()
    acks = [a for t in tallies for a in t.acks]
    with scopes_disabled():
        stored = {
            (sheet, code): value
            for sheet, code, value in ScoreEntry.objects.filter(
                sheet_id__in=list(start)
            ).values_list("sheet_id", "indicator__code", "value")
        }
        history = dict(
            ValueChange.objects.filter(idempotency_key__startswith=f"{run}-")
            .values("idempotency_key")
            .annotate(n=Count("pk"))
            .values_list("idempotency_key", "n")
        )
    versions = sheet_versions(start)
    # The last acknowledged value of each cell is the one answered with the highest version
    # (for an own sheet, also the client's last).
    last: dict[tuple[int, str], Ack] = {}
    by_sheet: dict[int, list[Ack]] = defaultdict(list)
    for ack in acks:
        by_sheet[ack.sheet].append(ack)
        if (ack.sheet, ack.cell) not in last or ack.version > last[(ack.sheet, ack.cell)].version:
            last[(ack.sheet, ack.cell)] = ack
    for (sheet, cell), ack in last.items():
        if stored.get((sheet, cell)) != Decimal(ack.value):
            check.lose(
                f"sheet {sheet} {cell}: stored {stored.get((sheet, cell))}, "
                f"acknowledged {ack.value} as version {ack.version}"
            )
    for sheet, sheet_acks in by_sheet.items():
        for version, n in Counter(a.version for a in sheet_acks).items():
            if n > 1:  # two writers both told they made the same version: one was lost
                check.lose(f"sheet {sheet}: {n} writes acknowledged as version {version}")
    for sheet, version in start.items():
        if versions[sheet] - version != len(by_sheet.get(sheet, ())):
            check.version_drift += 1
    check.duplicates = sum(1 for n in history.values() if n > 1)
    check.missing_history = sum(1 for a in acks if history.get(a.key, 0) != 1)
    return check


# ---------------------------------------------------------------- entry point


def _fmt(p: tuple[float, float, float]) -> str:
    return f"p50 {p[0]:.0f} / p95 {p[1]:.0f} / p99 {p[2]:.0f} ms"


def _statuses(t: Tally, *kinds: str) -> str:
    counts: Counter = Counter()
    for (kind, status), n in t.statuses.items():
        if kind in kinds:
            counts[status] += n
    return ", ".join(f"{status or 'no answer'}: {n:,}" for status, n in sorted(counts.items()))


def sheets_load(sizes: LoadSizes, log) -> list[tuple[str, str]]:
    import logging

    from django.db import connection

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request

    log(
        f"\n(d) Sheets API under load: {sizes.clients} clients autosaving their own sheet, "
        f"{sizes.pairs} pairs racing on one, {sizes.seconds:.0f} s; then {sizes.tablets} "
        f"tablets flushing {sizes.burst} queued changes each"
    )
    if connection.vendor != "postgresql":
        log("  skipped: needs PostgreSQL (set DATABASE_URL)")
        return [("(d) sheets load", "skipped (not PostgreSQL)")]
    seeded = seed(sizes, log)
    start = sheet_versions({sheet for _n, sheet in seeded.own + seeded.pair + seeded.tablet})
    connection.close()  # the bench holds no connection while gunicorn works
    load_before = os.getloadavg()
    server = Server(sizes, log)
    try:
        server.start()
        result = asyncio.run(_run(server, seeded, sizes, log))
        server_errors = server.errors_logged()
        server_tail = server.tail() if server_errors else ""
    finally:
        server.stop()
    load_after = os.getloadavg()
    tally, rest, flushes = result["tally"], result["rest"], result["flushes"]
    check = verify([rest, tally, flushes], start, result["run"])

    patch, pair = percentiles(tally.latency["patch"]), percentiles(tally.latency["pair"])
    me, replay = percentiles(tally.latency["me"]), percentiles(tally.latency["replay"])
    rest_patch, rest_me = percentiles(rest.latency["patch"]), percentiles(rest.latency["me"])
    flush_each, flush_whole = (
        percentiles(flushes.latency["flush"]),
        percentiles(result["flush_took"]),
    )
    requests = sum(len(v) for v in tally.latency.values())
    per_second = requests / result["wall"]
    conflicts_own, conflicts_pair = tally.statuses[("patch", 409)], tally.statuses[("pair", 409)]
    ratio = patch[1] / me[1] if me[1] else float("nan")
    mismatches = tally.replay_mismatches + flushes.replay_mismatches
    client_errors = len(tally.errors) + len(flushes.errors)

    log(f"  at rest (one request at a time): PATCH {_fmt(rest_patch)}; /me/ {_fmt(rest_me)}")
    log(f"  PATCH, own sheet: {_fmt(patch)} ({_statuses(tally, 'patch')})")
    log(f"  PATCH, racing pairs: {_fmt(pair)} ({_statuses(tally, 'pair')})")
    log(
        f"  PATCH replayed with its key: {_fmt(replay)} ({_statuses(tally, 'replay')}; "
        f"answered differently from the first time: {tally.replay_mismatches})"
    )
    differ = ", ".join(f"{k}: {n}" for k, n in sorted(tally.inflight_differ.items())) or "none"
    log(
        f"  retries in flight (the same key twice at once): {tally.inflight}, answered "
        f"differently (first / retry): {differ}"
    )
    log(f"  GET /me/, the baseline: {_fmt(me)} ({_statuses(tally, 'me')})")
    log(f"  p95 ratio PATCH (own sheet) / baseline: {ratio:.1f}× (goal ≤ 2×)")
    log(
        f"  {per_second:.0f} requests/s over {result['wall']:.1f} s; conflicts answered: "
        f"{conflicts_pair:,} in the pairs, {conflicts_own} on own sheets"
    )
    log(
        f"  CPU during the load: gunicorn {result['server_cpu']:.1f} s "
        f"({result['server_cpu'] / max(1, requests) * 1000:.1f} ms a request; PostgreSQL not "
        f"counted), this client {result['client_cpu']:.1f} s; machine busy "
        f"{result['machine_busy'] * 100:.0f} % of {os.cpu_count()} cores; load average "
        f"{load_before[0]:.1f} before, {load_after[0]:.1f} after"
    )
    log(
        f"  outbox flush: {_fmt(flush_each)} a request ({_statuses(flushes, 'flush')}); "
        f"a tablet's whole flush {_fmt(flush_whole)}; all done in {result['flush_wall']:.1f} s; "
        f"resent acknowledgements answered differently: {flushes.replay_mismatches}"
    )
    log(
        f"  database: lost updates {check.lost}, duplicate writes on replay {check.duplicates}, "
        f"acknowledged writes without their history {check.missing_history}, sheets whose "
        f"version moved other than by their acknowledged writes {check.version_drift}"
    )
    for sample in [
        *check.lost_samples,
        *tally.replay_samples,
        *(tally.errors + flushes.errors)[:5],
    ]:
        log(f"    {sample}")
    if server_errors:
        log(f"  the server logged {server_errors} tracebacks; last lines:\n{server_tail}")
    return [
        ("(d) logins", f"{result['logins']} in {result['login_seconds']:.1f} s"),
        ("(d) PATCH at rest", _fmt(rest_patch)),
        ("(d) GET /me/ at rest", _fmt(rest_me)),
        ("(d) PATCH own sheet, under load", _fmt(patch)),
        ("(d) PATCH racing pairs, under load", _fmt(pair)),
        ("(d) GET /me/ (baseline), under load", _fmt(me)),
        ("(d) p95 ratio PATCH / baseline (goal ≤ 2×)", f"{ratio:.1f}×"),
        ("(d) requests/s", f"{per_second:.0f}"),
        ("(d) conflicts answered (pairs / own sheets)", f"{conflicts_pair:,} / {conflicts_own}"),
        ("(d) lost updates (goal 0)", str(check.lost)),
        ("(d) duplicate writes on replay (goal 0)", str(check.duplicates)),
        ("(d) replays answered differently", str(mismatches)),
        (
            "(d) retries in flight answered differently",
            f"{sum(tally.inflight_differ.values())} of {tally.inflight} ({differ})",
        ),
        ("(d) outbox flush, a request", _fmt(flush_each)),
        ("(d) outbox flush, a tablet's whole flush", _fmt(flush_whole)),
        (
            "(d) other failures",
            f"{client_errors} client errors, {server_errors} server tracebacks, "
            f"{check.missing_history} writes without history, "
            f"{check.version_drift} versions drifted",
        ),
    ]
