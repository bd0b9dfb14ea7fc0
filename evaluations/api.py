"""The JSON API for sheets (`/api/v1/<region>/…`), a public contract: see README "API".

Session (with CSRF) for the product's own pages. Views stay thin: `access_sheet` decides
who may see a sheet (404 otherwise), `evaluations.sheets` writes and refuses; this module
only maps their answers to HTTP.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from evaluations.access import PeriodAction, access_period, access_sheet, sheets_visible_to
from evaluations.models import ValueChange
from evaluations.sheets import (
    SheetWriteError,
    request_fingerprint,
    sheet_as_data,
    sheet_submit,
    sheet_write,
)

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
    values: list[CellIn]


class VersionIn(Schema):
    version: int


class Problem(Schema):
    code: str
    message: str
    version: int | None = None
    values: list[CellOut] | None = None
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
    sheets = sheets_visible_to(
        period=obj, user=request.user, roles={m.role for m in request.memberships}
    )
    if stage:
        sheets = sheets.filter(stage__code=stage)
    if kecamatan:
        sheets = sheets.filter(kecamatan__name__iexact=kecamatan)
    return [sheet_as_data(sheet, values=False) for sheet in sheets]


@router.get("/{region}/sheets/{sheet_id}/", response=SheetWithValues, url_name="api_sheet")
def sheet_detail(request: HttpRequest, region: str, sheet_id: int) -> dict[str, Any]:
    return sheet_as_data(access_sheet(request=request, sheet_id=sheet_id))


@router.patch(
    "/{region}/sheets/{sheet_id}/",
    response={200: SheetWithValues, 400: Problem, 403: Problem, 409: Problem, 422: Problem},
    url_name="api_sheet",
)
def sheet_patch(request: HttpRequest, region: str, sheet_id: int, body: SheetPatch) -> Status:
    """Change the listed cells (only those; null clears). Needs the `Idempotency-Key`
    header: a replay answers the first answer again and writes nothing."""
    sheet = access_sheet(request=request, sheet_id=sheet_id)
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or len(key) > 100:
        raise HttpError(400, "idempotency_key_missing")
    payload = body.dict()
    try:
        outcome = sheet_write(
            sheet=sheet,
            expected_version=body.version,
            values=payload["values"],
            by=request.user,
            via=ValueChange.Via.TABLET
            if request.headers.get("X-Kinerja-Client") == "tablet"
            else ValueChange.Via.API,
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
