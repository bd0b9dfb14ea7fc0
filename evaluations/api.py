"""The JSON API for sheets (`/api/v1/<region>/…`), a public contract: see README "API".

Session (with CSRF) for the product's own pages. Views stay thin: `access_sheet` decides
who may see a sheet (404 otherwise), `evaluations.sheets` writes and refuses; this module
only maps their answers to HTTP.
"""

from typing import Any

from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from ninja import Field, File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from config.uploads import EvidenceRejected
from evaluations.access import (
    PeriodAction,
    access_evidence,
    access_period,
    access_sheet,
    sheets_visible_to,
    without_unassigned,
)
from evaluations.models import Evidence, Sheet, ValueChange
from evaluations.self_assessment import (
    NotAKecamatanSheet,
    ReviewItem,
    ReviewRefused,
    evidence_upload,
    evidence_withdraw,
    indicator_name,
    sheet_accept,
    sheet_return,
)
from evaluations.sheets import (
    SheetWriteError,
    request_fingerprint,
    sheet_as_data,
    sheet_cells,
    sheet_submit,
    sheet_write,
)
from regions.access import Action, require

router = Router(tags=["lembar isian"])


class CellOut(Schema):
    indicator: str
    part: str
    label: str  # the part as people read it, "Realisasi fisik 2025 (%)"; "" for one value
    value: str | None
    option: str | None
    text: str
    min: str | None
    max: str | None
    integer_only: bool
    options: list[str]


class SheetOut(Schema):
    id: int
    stage: str
    kecamatan: str
    assessor: str | None
    state: str
    version: int
    url: str


class SheetWithValues(SheetOut):
    # The member's own notes on their sheet ("" on a kecamatan's sheet); added in issue 12.
    notes: str = ""
    values: list[CellOut]


class CellIn(Schema):
    indicator: str
    part: str = ""
    # A number or a decimal string ("85,5" or "85.5"); null clears. Checked by the
    # instrument's rule, which also refuses true/false.
    value: Any = Field(None, json_schema_extra={"type": ["string", "number", "null"]})
    option: str | None = None
    text: str | None = None


class SheetPatch(Schema):
    version: int
    values: list[CellIn] = []
    # The member's notes on the sheet, replacing the stored ones; absent or null: unchanged.
    notes: str | None = None


class VersionIn(Schema):
    version: int


class Problem(Schema):
    code: str
    message: str
    version: int | None = None
    values: list[CellOut] | None = None
    notes: str | None = None
    errors: list[dict[str, str]] | None = None


def _answer(error: SheetWriteError) -> Status:
    return Status(error.status, error.as_data())


@router.get(
    "/{region}/periods/{period}/sheets/", response=list[SheetOut], url_name="api_sheet_list"
)
def sheet_list(
    request: HttpRequest,
    region: str,
    period: str,
    stage: str | None = None,
    kecamatan: str | None = None,
) -> list[dict[str, Any]]:
    """The sheets the user may see: a penilai their own, an operator their kecamatan's,
    Admin Tapem all. Filters: `stage` (the stage code), `kecamatan` (its name)."""
    obj = access_period(request=request, slug=period, action=PeriodAction.VIEW)
    sheets = without_unassigned(
        sheets_visible_to(
            period=obj, user=request.user, roles={m.role for m in request.memberships}
        )
    )
    if stage:
        sheets = sheets.filter(stage__code=stage)
    if kecamatan:
        sheets = sheets.filter(kecamatan__name__iexact=kecamatan)
    return [sheet_as_data(sheet, values=False) for sheet in sheets]


# The product's own screens name themselves (`X-Kinerja-Client`) so the history says where a
# change was made; anything else writing through the API is a script ("api").
CLIENT_VIA = {"tablet": ValueChange.Via.TABLET, "form": ValueChange.Via.FORM}


@router.get("/{region}/sheets/{sheet_id}/", response=SheetWithValues, url_name="api_sheet")
def sheet_detail(request: HttpRequest, region: str, sheet_id: int) -> dict[str, Any]:
    return sheet_as_data(access_sheet(request=request, sheet_id=sheet_id))


@router.patch(
    "/{region}/sheets/{sheet_id}/",
    response={200: SheetWithValues, 400: Problem, 403: Problem, 409: Problem, 422: Problem},
    url_name="api_sheet",
)
def sheet_patch(request: HttpRequest, region: str, sheet_id: int, body: SheetPatch) -> Status:
    """Change the listed cells (only those; null clears) and, on a member's own sheet, the
    member's `notes`. Needs the `Idempotency-Key` header: a replay answers the first answer
    again and writes nothing."""
    sheet = access_sheet(request=request, sheet_id=sheet_id)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 100:
        raise HttpError(400, "idempotency_key_missing")
    payload = body.dict()
    if payload["notes"] is None:
        # A body without notes hashes as it did before notes existed.
        del payload["notes"]
    try:
        outcome = sheet_write(
            sheet=sheet,
            expected_version=body.version,
            values=payload["values"],
            notes=body.notes,
            by=request.user,
            via=CLIENT_VIA.get(request.headers.get("X-Kinerja-Client", ""), ValueChange.Via.API),
            key=key,
            body_hash=request_fingerprint({"sheet": sheet_id, **payload}),
        )
    except SheetWriteError as error:
        return _answer(error)
    return Status(outcome.status, outcome.data)


@router.post(
    "/{region}/sheets/{sheet_id}/submit/",
    response={200: SheetWithValues, 403: Problem, 409: Problem, 422: Problem},
    url_name="api_sheet_submit",
)
def sheet_submit_view(request: HttpRequest, region: str, sheet_id: int, body: VersionIn) -> Status:
    """Finalise a member's sheet (`final`) or submit the kecamatan's (`submitted`)."""
    sheet = access_sheet(request=request, sheet_id=sheet_id)
    try:
        outcome = sheet_submit(sheet=sheet, expected_version=body.version, by=request.user)
    except SheetWriteError as error:
        return _answer(error)
    return Status(outcome.status, outcome.data)


# ---------------------------------------------------------------- the kecamatan's own sheet


class EvidenceOut(Schema):
    id: int
    indicator: str
    name: str
    size: int
    sha256: str
    url: str


class ReturnItemIn(Schema):
    indicator: str
    comment: str = ""


class ReturnIn(Schema):
    reason: str
    items: list[ReturnItemIn] = []


def evidence_url(evidence: Evidence) -> str:
    """Where the file is downloaded (for those who may see it; 404 for everyone else)."""
    return reverse(
        "api:api_evidence",
        kwargs={
            "region": evidence.sheet.period.region.slug,
            "sheet_id": evidence.sheet_id,
            "evidence_id": evidence.pk,
        },
    )


def evidence_as_data(evidence: Evidence, indicator_code: str) -> dict[str, Any]:
    return {
        "id": evidence.pk,
        "indicator": indicator_code,
        "name": evidence.original_name,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "url": evidence_url(evidence),
    }


def _kecamatan_sheet(request: HttpRequest, sheet_id: int) -> Sheet:
    sheet = access_sheet(request=request, sheet_id=sheet_id)
    if not sheet.is_kecamatan_sheet:
        raise Http404
    return sheet


@router.post(
    "/{region}/sheets/{sheet_id}/evidence/",
    response={201: EvidenceOut, 403: Problem, 409: Problem, 413: Problem, 422: Problem},
    url_name="api_sheet_evidence",
)
def evidence_post(
    request: HttpRequest,
    region: str,
    sheet_id: int,
    indicator: Form[str],
    file: File[UploadedFile],
    replaces: Form[int | None] = None,
) -> Status:
    """Upload an evidence file of one indicator of the kecamatan's sheet (multipart:
    `indicator`, the indicator code as in `values`, and `file`). An indicator may hold
    several files: without `replaces` the file is added beside the others; with `replaces`
    (the id of a current file of that indicator) it takes that file's place, which stays in
    the history. The same bytes again answer the stored file. 422 for a refused type or a
    `replaces` not of that indicator, 413 for a file too large, 403 when the sheet may not
    be changed now or by this user, 409 when `replaces` was replaced or withdrawn."""
    sheet = _kecamatan_sheet(request, sheet_id)
    try:
        evidence = evidence_upload(
            sheet=sheet,
            indicator_code=indicator,
            upload=file,
            name=file.name,
            replaces=replaces,
            by=request.user,
        )
    except EvidenceRejected as error:
        code = "too_large" if error.status == 413 else "file_refused"
        return Status(error.status, {"code": code, "message": error.message})
    except SheetWriteError as error:
        return _answer(error)
    except NotAKecamatanSheet:
        raise Http404 from None
    name = indicator_name(sheet_cells(sheet), evidence.indicator_id)
    return Status(201, evidence_as_data(evidence, name))


@router.post(
    "/{region}/sheets/{sheet_id}/evidence/{evidence_id}/withdraw/",
    response={200: EvidenceOut, 403: Problem, 404: Problem, 409: Problem},
    url_name="api_evidence_withdraw",
)
def evidence_withdraw_view(
    request: HttpRequest, region: str, sheet_id: int, evidence_id: int
) -> Status:
    """Withdraw one current evidence file: it no longer counts toward completeness; its
    record and download stay in the history. Again on a withdrawn file: 200, nothing new.
    403 when the sheet may not be changed now or by this user, 409 for a replaced file."""
    sheet = _kecamatan_sheet(request, sheet_id)
    try:
        evidence = evidence_withdraw(sheet=sheet, evidence_id=evidence_id, by=request.user)
    except EvidenceRejected:
        raise Http404 from None
    except SheetWriteError as error:
        return _answer(error)
    names = {cell.indicator_id: cell.name for cell in reversed(sheet_cells(sheet))}
    name = names.get(evidence.indicator_id) or evidence.indicator.code  # no longer on the sheet
    return Status(200, evidence_as_data(evidence, name))


@router.get(
    "/{region}/sheets/{sheet_id}/evidence/{evidence_id}/",
    url_name="api_evidence",
)
def evidence_get(
    request: HttpRequest, region: str, sheet_id: int, evidence_id: int
) -> FileResponse:
    """The file, as an attachment, to those who may see it; 404 to everyone else."""
    evidence = access_evidence(request=request, sheet_id=sheet_id, evidence_id=evidence_id)
    return evidence_download(evidence)


def evidence_download(evidence: Evidence) -> FileResponse:
    """The stored bytes as a download that no browser renders in place."""
    response = FileResponse(
        evidence.open(),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response


def _tapem_sheet(request: HttpRequest, sheet_id: int) -> Sheet:
    # Role first: a member without it learns nothing about which sheets exist.
    require(request.user, Action.MANAGE_REGION, request.region)
    return _kecamatan_sheet(request, sheet_id)


def _review_answer(error: ReviewRefused) -> Status:
    return Status(error.status, {"code": error.code, "message": error.message})


@router.post(
    "/{region}/sheets/{sheet_id}/return/",
    response={200: SheetWithValues, 403: Problem, 409: Problem, 422: Problem},
    url_name="api_sheet_return",
)
def sheet_return_view(request: HttpRequest, region: str, sheet_id: int, body: ReturnIn) -> Status:
    """Admin Tapem sends a submitted kecamatan sheet back for repair, with the reason and a
    comment per indicator to fix; state `returned`. 409 from any other state."""
    sheet = _tapem_sheet(request, sheet_id)
    try:
        sheet_return(
            sheet=sheet,
            reason=body.reason,
            items=[ReviewItem(item.indicator, item.comment) for item in body.items],
            by=request.user,
        )
    except ReviewRefused as error:
        return _review_answer(error)
    return Status(200, sheet_as_data(sheet))


@router.post(
    "/{region}/sheets/{sheet_id}/accept/",
    response={200: SheetWithValues, 403: Problem, 409: Problem},
    url_name="api_sheet_accept",
)
def sheet_accept_view(request: HttpRequest, region: str, sheet_id: int) -> Status:
    """Admin Tapem accepts a submitted kecamatan sheet; state `accepted`. 409 otherwise."""
    sheet = _tapem_sheet(request, sheet_id)
    try:
        sheet_accept(sheet=sheet, by=request.user)
    except ReviewRefused as error:
        return _review_answer(error)
    return Status(200, sheet_as_data(sheet))
