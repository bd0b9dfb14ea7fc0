"""Every page a role reaches from the navigation fits a 390 px phone: the document itself
never scrolls sideways (a table that scrolls inside its own container is fine)."""

import io
from urllib.parse import urlsplit

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import Resolver404, resolve
from django_scopes import scope

from evaluations.models import Participation
from evaluations.services import participation_set_scored
from regions.models import Region
from tests.e2e.conftest import login

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# Links that download a file or leave the app's pages.
NOT_PAGES = {"score_template", "score_template_own", "instrument_set_download", "logout"}
# Banggai holds scores (a frozen set, a ranking with three stages, one kecamatan "tidak
# dinilai"); Tegal none, so its Admin Tapem reaches every editing form of a draft set.
ROLES = [
    "tapem-banggai",
    "pimpinan-banggai",
    "op-banggai-balantak",
    "penilai-banggai-1",
    "tapem-tegal",
    "penilai-lintas",  # the region picker, then Bekasi and Tegal
]


def _score_banggai(tmp_path) -> None:
    """Every value of the demo period, varied a little, and Balantak marked tidak dinilai."""
    template = tmp_path / "templat.xlsx"
    call_command("score_template", "--region", "banggai", "--period", "2026", str(template))
    book = openpyxl.load_workbook(template)
    sheet = book["nilai"]
    column = {cell.value: index for index, cell in enumerate(sheet[1])}
    for number, row in enumerate(sheet.iter_rows(min_row=2)):
        choices = row[column["pilihan"]].value
        if choices:
            options = choices.split("/")
            row[column["nilai"]].value = options[number % len(options)]
        else:
            low = row[column["nilai_min"]].value or 0
            high = row[column["nilai_maks"]].value or 50
            row[column["nilai"]].value = low + (high - low) * (5 + number % 5) // 10
    filled = tmp_path / "nilai.xlsx"
    book.save(filled)
    period = ["--region", "banggai", "--period", "2026"]
    call_command("import_scores", *period, str(filled), stdout=io.StringIO())
    region = Region.objects.get(slug="banggai")
    with scope(region=region):
        participation = Participation.objects.select_related("period", "kecamatan").get(
            period__slug="2026", kecamatan__slug="balantak"
        )
        participation_set_scored(
            period=participation.period,
            kecamatan=participation.kecamatan,
            scored=False,
            reason="Isian penilaian mandiri tetap tidak lengkap setelah masa perbaikan",
        )


def _route(path: str) -> tuple | None:
    """One page per kind: the URL's name, and for instrument parts which part."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name in NOT_PAGES or match.namespace == "admin":
        return None
    return (match.url_name, match.kwargs.get("kind"))


def _crawl(page, start: str) -> tuple[set, dict[str, int]]:
    """Visit every page reachable by links from `start` (one of each kind) at phone width:
    the kinds visited, and the pages whose document is wider than the phone."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    queue, seen, wide = [start], set(), {}
    while queue:
        url = queue.pop(0)
        response = page.goto(url)
        assert response.ok, f"{url}: {response.status}"
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[urlsplit(page.url).path] = width
        for link in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            parts = urlsplit(link)
            if f"{parts.scheme}://{parts.netloc}" != origin:
                continue
            route = _route(parts.path)
            if route is not None and route not in seen:
                seen.add(route)
                queue.append(origin + parts.path)
    return {name for name, _kind in seen}, wide


def test_every_page_of_every_role_fits_a_phone(browser, live_server, demo, tmp_path):
    _score_banggai(tmp_path)
    visited, too_wide = {}, {}
    for username in ROLES:
        context = browser.new_context(viewport=PHONE, locale="id-ID")
        page = context.new_page()
        login(page, live_server, username)
        visited[username], wide = _crawl(page, page.url)
        if wide:
            too_wide[username] = wide
        context.close()
    assert too_wide == {}
    # the crawl reached the pages that hold tables
    assert {
        "dashboard",
        "period_detail",
        "period_participants",
        "period_team",
        "ranking",
        "ranking_breakdown",
        "instrument_set_detail",
        "kecamatan_detail",
    } <= visited["tapem-banggai"]
    assert {"part_edit", "part_delete", "stage_add", "instrument_set_upload"} <= visited[
        "tapem-tegal"
    ]
    assert {"ranking", "ranking_breakdown"} <= visited["pimpinan-banggai"]
    assert "kecamatan_detail" in visited["op-banggai-balantak"]
    assert {"home", "dashboard"} <= visited["penilai-lintas"]
