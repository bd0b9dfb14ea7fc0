"""The history of every value, whatever path wrote it: on the breakdown page and from
`score_history --json` (a public contract)."""

import io
import json
import uuid

import pytest
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from evaluations.models import Sheet
from evaluations.services import scores_import_rows
from tests.evaluations.test_score_import import filled, template_rows

pytestmark = pytest.mark.django_db


def history(period, *extra):
    out = io.StringIO()
    call_command(
        "score_history", "--region", "bekasi", "--period", period.slug, "--json", *extra,
        stdout=out,
    )  # fmt: skip
    return json.loads(out.getvalue())


def test_every_path_leaves_history_oldest_first(client, make_period, tenancy):
    setup = make_period()
    period, tapem = setup.period, tenancy.users["tapem_bekasi"]
    # 1. Tapem imports a workbook.
    with scope(region=tenancy.bekasi):
        rows = filled(template_rows(period), A1=60)
        scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=tapem)
        sheet = Sheet.objects.get(
            period=period, kecamatan__name="Bantargebang", assessor=tenancy.users["penilai_bekasi"]
        )
    # 2. The penilai corrects one value through the API, 3. then through the form.
    client.force_login(tenancy.users["penilai_bekasi"])
    client.patch(
        f"/api/v1/bekasi/sheets/{sheet.pk}/",
        json.dumps({"version": 1, "values": [{"indicator": "A1", "value": 65}]}),
        content_type="application/json",
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    form = client.get(f"/bekasi/periode/2026/lembar/{sheet.pk}/")
    fields = form.context["form"]
    data = {
        "version": 2,
        "key": uuid.uuid4().hex,
        "action": "save",
        **{fields.field_name(cell): "" for cell in fields.cells},
    }
    a1 = next(cell for cell in fields.cells if cell.code == "A1")
    data[fields.field_name(a1)] = "70,5"
    assert client.post(f"/bekasi/periode/2026/lembar/{sheet.pk}/", data).status_code == 302

    rows = history(period, "--kecamatan", "Bantargebang")
    mine = [r for r in rows if r["assessor"] == "penilai_bekasi" and r["indicator"] == "A1"]
    assert [(r["via"], r["by"], r["old"], r["new"]) for r in mine] == [
        ("import", "tapem_bekasi", None, "60"),
        ("api", "penilai_bekasi", "60", "65"),
        ("form", "penilai_bekasi", "65", "70.5"),
    ]
    assert set(rows[0]) == {
        "at", "by", "via", "stage", "kecamatan", "assessor", "indicator", "part", "old", "new",
    }  # fmt: skip
    assert {r["kecamatan"] for r in rows} == {"Bantargebang"}
    assert len(history(period)) > len(rows)  # Jatiasih's too without the filter

    client.force_login(tapem)
    page = client.get("/bekasi/periode/2026/peringkat/bantargebang/").content.decode()
    assert "Riwayat perubahan nilai" in page and "70.5" in page


def test_an_unknown_kecamatan_is_refused(make_period):
    from django.core.management.base import CommandError

    setup = make_period()
    with pytest.raises(CommandError, match="Kecamatan 'Atlantis' tidak ditemukan"):
        history(setup.period, "--kecamatan", "Atlantis")
    with scopes_disabled():
        assert Sheet.objects.filter(period=setup.period).exists()
