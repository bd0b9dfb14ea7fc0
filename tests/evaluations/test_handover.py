"""Tapem hands the accepted self-assessments to the Penilai Kinerja Mandiri (Perbup Banggai
49/2022 Pasal 8): recorded once per kecamatan, refused when nothing is waiting."""

import pytest
from django.urls import reverse
from django_scopes import scopes_disabled

from evaluations.models import HandOver
from tests.evaluations.selfassessment import (
    EVIDENCE_REQUIRED,
    kecamatan_sheet,
    mandiri_set,
    pdf_bytes,
    post_json,
    upload,
)
from tests.evaluations.test_self_assessment import api, as_persona, fill, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_period):
    return make_period(mandiri_set())


def test_accepted_forms_are_handed_over_once(client, setup, tenancy):
    sheet = kecamatan_sheet(setup.period)
    url = reverse("handover_add", kwargs={"region": "bekasi", "period": setup.period.slug})
    with scopes_disabled():
        seat = setup.period.team_members.get(stage=sheet.stage, user=setup.penilai[0])
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    nothing = client.post(url, {"seat": seat.pk}, follow=True).content.decode()
    assert "Tidak ada isian diterima yang belum diserahkan" in nothing

    operator = as_persona(client, tenancy, "operator_bantargebang")
    fill(operator, sheet)
    for code in EVIDENCE_REQUIRED:
        upload(operator, sheet, code, pdf_bytes(code))
    submit(operator, sheet)
    tapem = as_persona(client, tenancy, "tapem_bekasi")
    post_json(tapem, api(sheet, "accept"), {})
    done = client.post(url, {"seat": seat.pk}, follow=True).content.decode()
    assert "1 isian diserahkan kepada" in done
    with scopes_disabled():
        (handover,) = HandOver.objects.all()
    assert [k["name"] for k in handover.kecamatan] == [sheet.kecamatan.name]
    again = client.post(url, {"seat": seat.pk}, follow=True).content.decode()
    assert "Tidak ada isian diterima yang belum diserahkan" in again
