"""One workbook per penilai: only their own rows, from the command line, for Admin Tapem
(`?penilai=`) and for the penilai themselves (`templat-saya.xlsx`)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django_scopes import scope

from evaluations.score_template import GUIDE_SHEET
from regions.models import Role
from regions.services import membership_grant
from tests.evaluations.conftest import read_rows, rich_set, stored
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

OWN = "/bekasi/periode/2026/nilai/templat-saya.xlsx"
ALL = "/bekasi/periode/2026/nilai/templat.xlsx"


@pytest.fixture
def setup(make_period):
    # Three penilai on both stages; the kecamatan enter their own values too (`mandiri`).
    return make_period(rich_set(shortlist=None), kecamatan=("Jatiasih", "Rawalumbu"), penilai=3)


def everything(period):
    from evaluations.score_template import score_template_bytes

    with scope(region=period.region):
        return read_rows(score_template_bytes(period=period))


def test_command_writes_one_penilais_rows_only(setup, tmp_path):
    out = tmp_path / "lintas.xlsx"
    stdout = io.StringIO()
    call_command(
        "score_template",
        "--region",
        "bekasi",
        "--period",
        "2026",
        "--penilai",
        "penilai_lintas",
        str(out),
        stdout=stdout,
    )
    rows = read_rows(out.read_bytes())
    full = everything(setup.period)
    assert rows[0] == full[0]
    assert rows[1:] == [row for row in full[1:] if row[2] == "penilai_lintas"]
    assert {row[0] for row in rows[1:]} == {"T1", "P"}  # both stages they sit on
    assert {row[1] for row in rows[1:]} == {"Jatiasih", "Rawalumbu"}
    assert stdout.getvalue() == f"{len(rows) - 1} baris nilai ditulis ke {out}.\n"
    guide = openpyxl.load_workbook(out)[GUIDE_SHEET]
    assert any(
        "penilai_lintas" in str(value) for row in guide.iter_rows(values_only=True) for value in row
    )


def test_command_refuses_a_penilai_without_a_seat(setup, tenancy, tmp_path):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="tidak duduk di tim penilai"):
        call_command(
            "score_template",
            "--region",
            "bekasi",
            "--period",
            "2026",
            "--penilai",
            "tapem_bekasi",
            str(out),
            stdout=io.StringIO(),
        )
    assert not out.exists()


def test_a_seated_penilai_downloads_their_own_rows(setup, client, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    response = client.get(OWN)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('nilai-bekasi-2026-penilai_bekasi.xlsx"')
    rows = read_rows(response.content)
    full = everything(setup.period)
    assert rows[1:] == [row for row in full[1:] if row[2] == "penilai_bekasi"]
    assert len(rows) - 1 == 2 * (4 + 1)  # 2 kecamatan × (4 desk indicators + 1 panel)


def test_a_penilai_of_the_region_without_a_seat_is_refused(setup, client, tenancy):
    with scope(region=tenancy.bekasi):
        outsider = UserFactory(username="penilai_cadangan")
        membership_grant(user=outsider, region=tenancy.bekasi, role=Role.PENILAI)
    client.force_login(outsider)
    assert client.get(OWN).status_code == 403
    assert client.get("/bekasi/periode/lain/nilai/templat-saya.xlsx").status_code == 404


def test_other_roles_and_other_regions(setup, client, tenancy):
    for persona in ("tapem_bekasi", "operator_bantargebang", "pimpinan_bekasi"):
        client.force_login(tenancy.users[persona])
        assert client.get(OWN).status_code == 403, persona
    # penilai_lintas is a penilai in Tegal too, where this period does not exist
    client.force_login(tenancy.users["penilai_lintas"])
    assert client.get("/tegal/periode/2026/nilai/templat-saya.xlsx").status_code == 404
    client.force_login(tenancy.users["penilai_bekasi"])
    assert client.get("/tegal/periode/2026/nilai/templat-saya.xlsx").status_code == 404


def test_tapem_downloads_any_penilais_workbook(setup, client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    response = client.get(f"{ALL}?penilai=penilai-3")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('nilai-bekasi-2026-penilai-3.xlsx"')
    full = everything(setup.period)
    assert read_rows(response.content)[1:] == [row for row in full[1:] if row[2] == "penilai-3"]
    assert client.get(f"{ALL}?penilai=tidak-ada").status_code == 404
    assert read_rows(client.get(f"{ALL}?penilai=").content) == full


def test_a_penilais_filled_workbook_stores_their_values_and_keeps_the_others(
    setup, client, tenancy
):
    client.force_login(tenancy.users["tapem_bekasi"])
    values = {"S1": 70, "C1": "a", "YN": "tidak", "INT": 12, "P1": 88}
    for penilai in ("penilai_bekasi", "penilai_lintas"):
        client.force_login(tenancy.users[penilai])
        book = openpyxl.load_workbook(io.BytesIO(client.get(OWN).content))
        for row in book["nilai"].iter_rows(min_row=2):
            row[5].value = values[row[4].value]
        buffer = io.BytesIO()
        book.save(buffer)
        client.force_login(tenancy.users["tapem_bekasi"])
        response = client.post(
            "/bekasi/periode/2026/nilai/unggah/",
            {"workbook": SimpleUploadedFile(f"{penilai}.xlsx", buffer.getvalue())},
        )
        assert response.status_code == 200, response.content.decode()
    entered = stored(setup.period)
    assert {key[2] for key in entered} == {"penilai_bekasi", "penilai_lintas"}
    assert len(entered) == 2 * 2 * 5  # the second upload left the first penilai's values
    assert entered[("Rawalumbu", "C1", "penilai_bekasi", "")] == "a"


def test_the_dashboard_links_each_seated_period_to_the_penilais_workbook(setup, client, tenancy):
    client.force_login(tenancy.users["penilai_bekasi"])
    page = client.get("/bekasi/").content.decode()
    assert page.count(f'href="{OWN}"') == 1  # seated on two stages, linked once
    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get("/bekasi/periode/2026/").content.decode()
    assert f'href="{ALL}?penilai=penilai_lintas"' in page
