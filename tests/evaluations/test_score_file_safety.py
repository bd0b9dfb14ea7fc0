"""Hostile score workbooks are refused, by `import_scores` and the upload page alike, with an
Indonesian message and nothing stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError

from tests.evaluations.conftest import stored, workbook_bytes
from tests.evaluations.test_score_import import run_import
from tests.instruments.workbooks import member, renamed, rezipped, utf16, with_entity

pytestmark = pytest.mark.django_db

DECLARATION = "deklarasi XML yang tidak diizinkan (DOCTYPE/ENTITY)"
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def setup(make_period):
    return make_period()


def with_value(text):
    """A one-row score workbook whose value cell holds the text `text`."""
    return workbook_bytes([("T1", "Jatiasih", "penilai_bekasi", "A", "A1", text, 0, 100, None)])


def entity_in_renamed_part():
    content = with_value("NILAI-X")
    hostile = with_entity(member(content, SHEET), b"NILAI-X", b"85")
    return renamed(content, SHEET, "xl/worksheets/nilai.bin", hostile)


def entity_in_utf16_part():
    content = with_value("NILAI-X")
    hostile = utf16(with_entity(member(content, SHEET), b"NILAI-X", b"85"), big_endian=True)
    return rezipped(content, replace={SHEET: hostile})


HOSTILE = {"renamed part": entity_in_renamed_part, "utf-16 part": entity_in_utf16_part}


@pytest.mark.parametrize("case", HOSTILE)
def test_import_scores_refuses_entities_anywhere(setup, tmp_path, case):
    with pytest.raises(CommandError) as raised:
        run_import(setup.period, HOSTILE[case](), tmp_path)
    assert DECLARATION in raised.value.stderr
    assert stored(setup.period) == {}


@pytest.mark.parametrize("case", HOSTILE)
def test_the_upload_page_refuses_entities_anywhere(client, tenancy, setup, case):
    client.force_login(tenancy.users["tapem_bekasi"])
    response = client.post(
        "/bekasi/periode/2026/nilai/unggah/",
        {"workbook": SimpleUploadedFile("nilai.xlsx", HOSTILE[case]())},
    )
    assert response.status_code == 422
    assert DECLARATION in response.content.decode()
    assert stored(setup.period) == {}
