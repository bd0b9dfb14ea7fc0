"""Helpers for the kecamatan's own sheet: a set whose first stage the kecamatan fills, with
evidence required on two indicators, and files of every kind (benign and hostile)."""

import io
import json
import zipfile

import openpyxl
from django_scopes import scopes_disabled

from evaluations.models import Sheet
from tests.evaluations.conftest import rich_set

# What the kecamatan fills in `mandiri_set`: every cell, and the indicators needing a file.
FILLED = [
    {"indicator": "KEU", "part": "fisik", "value": "80"},
    {"indicator": "KEU", "part": "keuangan", "value": "90"},
    {"indicator": "PEM", "part": "", "value": "4"},
    {"indicator": "CAP", "part": "target", "value": "100"},
    {"indicator": "CAP", "part": "realisasi", "value": "95"},
    {"indicator": "URAI", "part": "", "text": "Uraian kegiatan kecamatan."},
]
EVIDENCE_REQUIRED = ("KEU", "URAI")


# What the set (not the code) says the results print for a kecamatan not scored.
SET_REASON = "tidak dilakukan penilaian dan tidak mendapatkan bobot nilai (Pasal 8 ayat (5))"


def mandiri_set(disqualify_if_incomplete=False):
    data = rich_set()
    data["stages"][0]["disqualification_reason"] = SET_REASON
    data["stages"][0]["disqualify_if_incomplete"] = disqualify_if_incomplete
    for indicator in data["stages"][0]["aspects"][0]["indicators"]:
        indicator["evidence_required"] = indicator["code"] in EVIDENCE_REQUIRED
        indicator["evidence_note"] = "Laporan realisasi" if indicator["code"] == "KEU" else ""
    return data


def kecamatan_sheet(period, kecamatan="Bantargebang"):
    with scopes_disabled():
        return Sheet.objects.select_related("period__region").get(
            period=period, assessor__isnull=True, kecamatan__name=kecamatan
        )


def pdf_bytes(text="Laporan realisasi"):
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return body


def png_bytes():
    import struct
    import zlib

    def chunk(kind, data):
        raw = kind + data
        return struct.pack(">I", len(data)) + raw + struct.pack(">I", zlib.crc32(raw))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def xlsx_bytes():
    book = openpyxl.Workbook()
    book.active["A1"] = "Realisasi"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_DOCX_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>{extra}</Types>'
)


def docx_bytes(*, vba=False, doctype=False):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        extra = (
            '<Override PartName="/word/vbaProject.bin" '
            'ContentType="application/vnd.ms-office.vbaProject"/>'
            if vba
            else ""
        )
        archive.writestr("[Content_Types].xml", _DOCX_TYPES.format(extra=extra))
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        document = '<?xml version="1.0"?>'
        if doctype:
            document += '<!DOCTYPE d [<!ENTITY e "x">]>'
        archive.writestr("word/document.xml", document + "<w:document>&e;</w:document>")
        if vba:
            archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0VBA")
    return out.getvalue()


def zip_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
    return out.getvalue()


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(client, sheet, indicator, content, name="bukti.pdf", region="bekasi", replaces=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {"indicator": indicator, "file": SimpleUploadedFile(name, content)}
    if replaces is not None:
        data["replaces"] = replaces
    return client.post(f"/api/v1/{region}/sheets/{sheet.pk}/evidence/", data)


def post_json(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def indicator_ids(sheet):
    """{code: indicator id} of the kecamatan-entered indicators of `mandiri_set`."""
    from instruments.models import Indicator

    with scopes_disabled():
        return dict(
            Indicator.objects.filter(aspect__stage=sheet.stage, aspect__code="M").values_list(
                "code", "id"
            )
        )
