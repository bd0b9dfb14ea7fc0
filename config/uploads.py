"""Check an uploaded evidence file (data dukung) without trusting its name or its browser.

The type is read from the bytes by libmagic (python-magic), never from the file name or the
Content-Type the browser sent. Accepted: PDF, JPEG, PNG, and Word/Excel documents (docx,
xlsx). Refused, with an Indonesian message saying what to do:

- larger than `KINERJA_MAX_EVIDENCE_BYTES` (`EvidenceTooLarge`, answered 413) or empty;
- any other type (an executable, an HTML page, a script … whatever it is named);
- a PDF or image that is also a zip archive (a polyglot: it opens as something else in
  another program), and a PDF that carries JavaScript or a launch action;
- a docx/xlsx that fails the checks every Office upload gets (`config.xlsx`: member count,
  encryption, zip-bomb inflation, DOCTYPE/ENTITY declarations), that holds macros
  (`vbaProject.bin`, a macro-enabled content type) or lacks its main part.

The original name is kept only for display (`display_name`): reduced to its last path
segment, stripped of control and reserved characters, given the extension of the detected
type. Files are stored under a generated name in `PrivateStorage`, which has no URL.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

import magic
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from config.xlsx import (
    WorkbookRejected,
    check_archive_members,
    check_xml_declarations,
    read_limited,
)

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Detected type → (the extension the stored and displayed name get, other accepted ones).
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: (".pdf",),
    JPEG: (".jpg", ".jpeg"),
    PNG: (".png",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
}
# The codes an instrument set names accepted types by (`Indicator.evidence_types`).
EVIDENCE_TYPES: dict[str, str] = {
    "pdf": PDF,
    "jpeg": JPEG,
    "png": PNG,
    "docx": DOCX,
    "xlsx": XLSX,
}
EVIDENCE_TYPE_LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", DOCX: "DOCX", XLSX: "XLSX"}


def evidence_type_codes(text: str) -> list[str]:
    """ "pdf, JPEG" → ["pdf", "jpeg"] (jpg read as jpeg); [] for every type."""
    codes = [code.strip().lower().lstrip(".") for code in (text or "").split(",")]
    return ["jpeg" if code == "jpg" else code for code in codes if code]


def evidence_types_allowed(text: str) -> tuple[str, ...]:
    """The content types an indicator accepts (its `evidence_types`; blank: all)."""
    codes = evidence_type_codes(text)
    return tuple(EVIDENCE_TYPES[c] for c in codes if c in EVIDENCE_TYPES) or tuple(EXTENSIONS)


def evidence_type_refusal(file: InspectedFile, allowed: tuple[str, ...]) -> str | None:
    """Why `file` may not be evidence of an indicator accepting `allowed`, or None."""
    if file.content_type in allowed:
        return None
    return _("Indikator ini hanya menerima berkas %(types)s; berkas ini %(type)s.") % {
        "types": ", ".join(EVIDENCE_TYPE_LABELS[t] for t in allowed),
        "type": EVIDENCE_TYPE_LABELS.get(file.content_type, file.content_type),
    }


def evidence_accept(allowed: tuple[str, ...]) -> str:
    """The file input's `accept` attribute for these types: ".pdf,.jpg,.jpeg"."""
    return ",".join(ext for t in allowed for ext in EXTENSIONS[t])


# The part without which an Office document is not the document it claims to be.
_MAIN_PART = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}
_MACRO_MARKERS = (b"macroenabled", b"vbaproject")
_PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch)\b")
_SNIFF_BYTES = 1024 * 1024
_UNSAFE_NAME_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]')
_MAX_NAME = 120


class PrivateStorage(FileSystemStorage):
    """Files no URL reaches: `url()` refuses, so no template can link around the access
    check of the download view."""

    def url(self, name: str | None) -> str:
        raise ValueError("private files have no URL; serve them through their download view")


class EvidenceRejected(Exception):
    """The upload is not stored; `message` says why, in Indonesian. `status` is the HTTP
    answer (422; 413 for a file too large)."""

    status = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class EvidenceTooLarge(EvidenceRejected):
    status = 413


@dataclass(frozen=True)
class InspectedFile:
    data: bytes
    content_type: str  # as detected from the bytes
    extension: str  # of the detected type, with its dot
    display_name: str  # the sanitised original name, never a path


def max_evidence_bytes() -> int:
    return settings.KINERJA_MAX_EVIDENCE_BYTES


def too_large_message() -> str:
    return _("Berkas terlalu besar; ukuran maksimal %(size)s. Perkecil atau pisah berkasnya.") % {
        "size": filesizeformat(max_evidence_bytes())
    }


def inspect_evidence(source: bytes | IO[bytes], *, name: str = "") -> InspectedFile:
    """The checked upload, or EvidenceRejected (see the module doc)."""
    name = name or getattr(source, "name", "") or ""
    data = read_limited(
        source, limit=max_evidence_bytes(), refusal=lambda: EvidenceTooLarge(too_large_message())
    )
    if not data:
        raise EvidenceRejected(_("Berkas kosong; pilih berkas yang berisi data dukung."))
    detected = magic.from_buffer(data[:_SNIFF_BYTES], mime=True)
    if detected == "application/zip":
        # libmagic names Office documents by their first members; a valid one written in
        # another order is still recognised by its main part.
        detected = _office_kind(data) or detected
    if detected not in EXTENSIONS:
        raise EvidenceRejected(
            _(
                "Jenis berkas ini tidak diterima (terbaca sebagai %(type)s, apa pun nama "
                "berkasnya). Unggah PDF, JPG, PNG, Word (.docx) atau Excel (.xlsx)."
            )
            % {"type": detected}
        )
    if detected in _MAIN_PART:
        _check_office(data, detected)
    else:
        _check_not_polyglot(data, detected)
    return InspectedFile(
        data=data,
        content_type=detected,
        extension=EXTENSIONS[detected][0],
        display_name=display_name(name, detected),
    )


def display_name(name: str, content_type: str) -> str:
    """`name` as a person may read it: the last path segment, without control or reserved
    characters, at most 120 characters, ending in an extension of `content_type`."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = _UNSAFE_NAME_CHARS.sub("_", name)
    name = " ".join(name.split()).strip(" .")
    extensions = EXTENSIONS[content_type]
    stem, dot, extension = name.rpartition(".")
    if dot and f".{extension.lower()}" in extensions:
        name = stem.strip(" .")
    name = (name or _("berkas"))[: _MAX_NAME - len(extensions[0])]
    return name + extensions[0]


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in _MAIN_PART.items() if part in names), None)


def _check_office(data: bytes, kind: str) -> None:
    unreadable = EvidenceRejected(
        _(
            "Berkas Word/Excel ini rusak atau bukan dokumen yang dapat dibaca. Buka di Word, "
            "Excel atau LibreOffice, simpan sebagai .docx/.xlsx, lalu unggah lagi."
        )
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise unreadable from None
    with archive:
        try:
            check_archive_members(members)
        except WorkbookRejected:
            raise EvidenceRejected(
                _(
                    "Isi berkas tidak wajar untuk dokumen Word/Excel (dilindungi kata sandi, "
                    "terlalu banyak bagian, atau terlalu besar setelah dibuka). Berkas tidak "
                    "disimpan."
                )
            ) from None
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names or _MAIN_PART[kind] not in names:
            raise unreadable
        try:
            content_types = archive.read("[Content_Types].xml").lower()
        except (zipfile.BadZipFile, ValueError, EOFError, OSError):
            raise unreadable from None
        if any(m.filename.lower().endswith("vbaproject.bin") for m in members) or any(
            marker in content_types for marker in _MACRO_MARKERS
        ):
            raise EvidenceRejected(
                _(
                    "Berkas berisi makro (VBA) dan tidak diterima. Simpan ulang sebagai "
                    "dokumen tanpa makro (.docx/.xlsx), lalu unggah lagi."
                )
            )
        for member in members:
            try:
                check_xml_declarations(archive, member)
            except WorkbookRejected:
                raise EvidenceRejected(
                    _(
                        "Berkas berisi deklarasi XML yang tidak diizinkan (DOCTYPE/ENTITY). "
                        "Simpan ulang dari Word, Excel atau LibreOffice, lalu unggah lagi."
                    )
                ) from None


def _check_not_polyglot(data: bytes, kind: str) -> None:
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise EvidenceRejected(
            _(
                "Berkas ini sekaligus berisi arsip zip tersembunyi dan tidak diterima. "
                "Simpan ulang dokumennya (misalnya cetak ulang ke PDF), lalu unggah lagi."
            )
        )
    if kind == PDF and _PDF_ACTIVE.search(data):
        raise EvidenceRejected(
            _(
                "PDF ini memuat JavaScript atau perintah menjalankan program dan tidak "
                "diterima. Cetak ulang ke PDF biasa, lalu unggah lagi."
            )
        )
