"""The Tim penilai's tablet pages (issue 12) and Admin Tapem's live board.

The scoring screen is drawn once by the server and then writes only through the Sheets
API (static/js/tablet.js: an IndexedDB outbox, autosave, a service worker for a reload
while offline). The views stay thin: access functions fetch and check, services in
`evaluations.tablet` write.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from evaluations.access import PeriodAction, access_period, access_sheet
from evaluations.models import Sheet
from evaluations.self_assessment import submission_for
from evaluations.sheets import sheet_write_refusal
from evaluations.tablet import (
    IMPORT_LABELS,
    STATUS_LABELS,
    board_for_period,
    board_margin,
    conflict_declare,
    outbox_import,
    own_sheets,
    presentation_limits,
    sheet_aspects,
    sheet_reopen,
)
from regions.access import StateConflict
from regions.people import person_name


def _sheet_of_period(request: HttpRequest, period: str, sheet: int):
    obj = access_sheet(request=request, sheet_id=sheet)
    if obj.period.slug != period:
        raise Http404
    return obj


@require_safe
def tablet_sheets(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """A penilai's own sheets of the period: what is left, what is final, what they are
    recused from."""
    obj = access_period(request=request, slug=period, action=PeriodAction.OWN_SHEETS)
    rows = own_sheets(period=obj, user=request.user)
    left = [row for row in rows if row.sheet.state != "final" and not row.recused]
    return render(
        request,
        "evaluations/tablet/sheets.html",
        {"period": obj, "rows": rows, "left": len(left)},
    )


@require_safe
def tablet_sheet(request: HttpRequest, region: str, period: str, sheet: int) -> HttpResponse:
    """The scoring screen of one sheet: the kecamatan presenting, the presentation timer,
    each aspect with its guidance and a score input within bounds, autosave, Finalise."""
    obj = _sheet_of_period(request, period, sheet)
    return render(
        request,
        "evaluations/tablet/sheet.html",
        {
            "period": obj.period,
            "sheet": obj,
            "aspects": sheet_aspects(obj),
            "limits": presentation_limits(obj.stage),
            "refusal": sheet_write_refusal(sheet=obj, user=request.user),
            "is_member": obj.assessor_id == request.user.pk,
            "submissions": submission_for(sheet=obj),
        },
    )


@never_cache
@require_safe
def tablet_service_worker(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """The service worker of the period's tablet pages, served from their folder so its
    scope covers them (a worker under /static/ could control only /static/)."""
    scope = reverse("tablet_sheets", kwargs={"region": region, "period": period})
    return render(
        request,
        "evaluations/tablet/sw.js",
        {"scope": scope},
        content_type="text/javascript; charset=utf-8",
    )


@require_POST
def tablet_conflict_declare(
    request: HttpRequest, region: str, period: str, sheet: int
) -> HttpResponse:
    """The member declares a conflict of interest for the sheet's kecamatan: recorded as
    a recusal; the sheet is closed to them from then on."""
    obj = _sheet_of_period(request, period, sheet)
    try:
        conflict_declare(sheet=obj, reason=request.POST.get("reason", ""), by=request.user)
    except ValidationError as error:
        raise StateConflict(
            " ".join(error.messages),
            context={
                "back_url": reverse(
                    "tablet_sheet", kwargs={"region": region, "period": period, "sheet": sheet}
                )
            },
        ) from None
    messages.success(
        request,
        _("Konflik kepentingan untuk Kecamatan %(kecamatan)s dicatat sebagai pengunduran diri.")
        % {"kecamatan": obj.kecamatan.name},
    )
    return redirect("tablet_sheets", region=region, period=period)


def _board_context(request: HttpRequest, period: str) -> dict:
    obj = access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    stage = request.GET.get("tahap") or None
    margin, margin_refusal = board_margin(request.GET.get("selisih"))
    return {
        "period": obj,
        "stage_code": stage,
        "stages": obj.instrument_set.stages.filter(team_members__period=obj).distinct(),
        "board": board_for_period(period=obj, stage_code=stage, margin=margin),
        "margin": margin,
        "margin_refusal": margin_refusal,
        "labels": STATUS_LABELS,
    }


@require_safe
def tablet_board(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """Admin Tapem's live board of the session: kecamatan × member, refreshed by htmx."""
    return render(request, "evaluations/tablet/board.html", _board_context(request, period))


@never_cache
@require_safe
def tablet_board_rows(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """The board's tables alone, for the page's polling."""
    return render(request, "evaluations/tablet/_board_tables.html", _board_context(request, period))


def sheet_reopen_view(request: HttpRequest, region: str, period: str, sheet: int) -> HttpResponse:
    """Admin Tapem reopens a member's final sheet (GET: the form), with the reason
    recorded as the sheet's transition."""
    access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    obj = _sheet_of_period(request, period, sheet)
    reason = request.POST.get("reason", "")
    errors: list[str] = []
    if request.method == "POST":
        try:
            sheet_reopen(sheet=obj, reason=reason, by=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _("Lembar Kecamatan %(kecamatan)s milik %(member)s dibuka kembali.")
                % {"kecamatan": obj.kecamatan.name, "member": person_name(obj.assessor)},
            )
            return redirect("tablet_board", region=region, period=period)
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "evaluations/tablet/reopen.html",
        {"period": obj.period, "sheet": obj, "errors": errors, "reason": reason},
        status=422 if errors else 200,
    )


MAX_OUTBOX_BYTES = 1024 * 1024


def tablet_outbox_import(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """Admin Tapem stores a tablet's downloaded outbox file (see `outbox_import`): each
    change once; conflicts and refusals are listed, nothing is overwritten."""
    obj = access_period(request=request, slug=period, action=PeriodAction.MANAGE)
    results, error = None, ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        data = None
        if upload is None or upload.size > MAX_OUTBOX_BYTES:
            error = _("Pilih berkas JSON unduhan tablet (paling besar 1 MB).")
        else:
            try:
                data = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                error = _("Berkas ini bukan JSON.")
        if data is not None:
            sheet = None
            if isinstance(data, dict) and data.get("kind") == "kinerja-tablet-outbox":
                sheet = Sheet.objects.filter(
                    period=obj, pk=data.get("sheet"), assessor__isnull=False
                ).first()
            if sheet is None:
                error = _("Berkas ini bukan unduhan perubahan tablet untuk periode ini.")
            else:
                results = outbox_import(sheet=sheet, data=data, by=request.user)
    elif request.method != "GET":
        return HttpResponse(status=405)
    return render(
        request,
        "evaluations/tablet/import.html",
        {"period": obj, "results": results, "error": error, "labels": IMPORT_LABELS},
        status=422 if error else 200,
    )
