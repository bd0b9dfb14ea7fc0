import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_scopes import scope, scopes_disabled

from awards.forms import DocumentSettingsForm, FollowUpReportForm, FreezeForm, ReopenForm
from awards.issuing import document_settings, document_settings_save, documents_request
from awards.models import Document, FollowUp
from awards.selectors import OPEN_DATA_FIELDS, PublishedResult, period_snapshots, published_result
from awards.services import (
    current_snapshot,
    followup_report,
    freeze_refusals,
    ranking_freeze,
    ranking_publish,
    ranking_reopen,
)
from config.exports import formula_safe
from evaluations.access import PeriodAction, access_period
from evaluations.models import Period, TeamMember
from evaluations.selectors import ranking_for_period
from regions.access import Action, access_region, can
from regions.models import Region
from regions.people import person_name


def result_freeze(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """Admin Tapem's page to freeze (tetapkan), publish (umumkan) or reopen the result."""
    obj = access_period(request=request, slug=period, action=PeriodAction.CHANGE_STATUS)
    freeze_form = FreezeForm(
        request.POST if request.POST.get("action") == "tetapkan" else None,
        **_team_choices(obj),
    )
    reopen_form = ReopenForm(request.POST if request.POST.get("action") == "buka" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "tetapkan" and freeze_form.is_valid():
                snapshot = ranking_freeze(
                    period=obj,
                    by=request.user,
                    meeting_date=freeze_form.cleaned_data["meeting_date"],
                    meeting_place=freeze_form.cleaned_data["meeting_place"],
                    attendees=freeze_form.cleaned_data["attendees"],
                )
                messages.success(
                    request,
                    _("Hasil ditetapkan (penetapan nomor %(number)s).")
                    % {"number": snapshot.number},
                )
                return redirect("result_freeze", region=region, period=obj.slug)
            if action == "umumkan":
                ranking_publish(period=obj, by=request.user)
                messages.success(request, _("Hasil diumumkan di halaman publik."))
                return redirect("result_freeze", region=region, period=obj.slug)
            if action == "buka" and reopen_form.is_valid():
                ranking_reopen(
                    period=obj, reason=reopen_form.cleaned_data["reason"], by=request.user
                )
                messages.success(request, _("Hasil dibuka kembali; penilaian berlangsung lagi."))
                return redirect("result_freeze", region=region, period=obj.slug)
        except ValidationError as error:
            target = reopen_form if action == "buka" else freeze_form
            target.add_error(None, error)
    status = 422 if freeze_form.errors or reopen_form.errors else 200
    if request.method == "POST" and status == 200:
        status = 422  # an action that was not one of the three
    obj.refresh_from_db(fields=["status"])
    can_freeze = obj.status in (Period.Status.OPEN, Period.Status.CLOSED)
    refusals = freeze_refusals(ranking_for_period(period=obj, trace=False)) if can_freeze else []
    return render(
        request,
        "awards/result_freeze.html",
        {
            "period": obj,
            "freeze_form": freeze_form,
            "reopen_form": reopen_form,
            "can_freeze": can_freeze,
            "refusals": refusals,
            "current": current_snapshot(period=obj),
            "snapshots": period_snapshots(period=obj),
        },
        status=status,
    )


def _team_choices(period: Period) -> dict[str, Any]:
    """The period's team members for the attendance list; the last stage's ticked."""
    seats = list(
        TeamMember.objects.filter(period=period)
        .select_related("user__profile", "stage")
        .order_by("stage__order", "order")
    )
    names: dict[str, str] = {}
    for seat in seats:
        names.setdefault(seat.user.get_username(), person_name(seat.user))
    last_order = max((seat.stage.order for seat in seats), default=None)
    last = {seat.user.get_username() for seat in seats if seat.stage.order == last_order}
    return {"team": list(names.items()), "last": last}


def _published(daerah: str, period: str) -> PublishedResult:
    region = Region.objects.filter(slug=daerah, is_active=True).first()
    if region is None:
        raise Http404
    with scope(region=region):
        result = published_result(region=region, period_slug=period)
    if result is None:
        raise Http404
    return result


@require_safe
def public_result(request: HttpRequest, daerah: str, period: str) -> HttpResponse:
    """The published ranking, predikat and awards, for anyone (no login)."""
    result = _published(daerah, period)
    return render(request, "awards/public_result.html", {"result": result})


@require_safe
def public_result_csv(request: HttpRequest, daerah: str, period: str) -> HttpResponse:
    result = _published(daerah, period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hasil-{daerah}-{period}.csv"'
    writer = csv.DictWriter(response, fieldnames=OPEN_DATA_FIELDS)
    writer.writeheader()
    for row in result.rows:
        writer.writerow({key: formula_safe(value) for key, value in row.items()})
    return response


@require_safe
def public_result_json(request: HttpRequest, daerah: str, period: str) -> HttpResponse:
    result = _published(daerah, period)
    data = {
        "region": result.region.slug,
        "period": result.period.slug,
        "name": result.period.name,
        "snapshot_sha256": result.snapshot.sha256,
        "determined_on": result.snapshot.meeting_date.isoformat(),
        "results": result.rows,
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def period_documents(request: HttpRequest, region: str, period: str) -> HttpResponse:
    """The standing snapshot's documents: request them all (Admin Tapem), watch them render
    (the list refreshes itself while any is queued), download them (Tapem, pimpinan)."""
    action = PeriodAction.MANAGE if request.method == "POST" else PeriodAction.VIEW_RESULTS
    obj = access_period(request=request, slug=period, action=action)
    if request.method == "POST":
        try:
            documents_request(period=obj, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Dokumen sedang diterbitkan."))
        return redirect("period_documents", region=region, period=obj.slug)
    snapshot = current_snapshot(period=obj)
    documents = list(snapshot.documents.order_by("pk")) if snapshot else []
    context = {
        "period": obj,
        "snapshot": snapshot,
        "documents": documents,
        "pending": any(d.state == Document.State.QUEUED for d in documents),
        "can_request": can(request.user, Action.MANAGE_REGION, request.region),
    }
    template = "awards/documents.html"
    if request.htmx:
        template = "awards/_document_list.html"
    return render(request, template, context)


@require_safe
def document_download(
    request: HttpRequest, region: str, period: str, document: int
) -> HttpResponse:
    """A rendered document of the period, to Admin Tapem and pimpinan only; as attachment."""
    obj = access_period(request=request, slug=period, action=PeriodAction.VIEW_RESULTS)
    found = (
        Document.objects.filter(pk=document, snapshot__period=obj, state=Document.State.RENDERED)
        .select_related("snapshot__period__region")
        .first()
    )
    if found is None:
        raise Http404
    content_types = {
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=content_types[found.file_format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def document_verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: what the QR code on a document leads to — its kind, period, hash and the
    snapshot's, and whether that result still stands or was superseded."""
    with scopes_disabled():
        document = (
            Document.objects.select_related("snapshot__period__region")
            .filter(code=code.upper(), state=Document.State.RENDERED)
            .first()
        )
    if document is None:
        raise Http404
    period = document.snapshot.period
    with scope(region=period.region):
        standing = current_snapshot(period=period)
    return render(
        request,
        "awards/document_verify.html",
        {
            "document": document,
            "period": period,
            "current": standing is not None and standing.pk == document.snapshot_id,
        },
    )


def document_settings_edit(request: HttpRequest, region: str) -> HttpResponse:
    """Admin Tapem sets how the region's documents look and who signs them."""
    obj = access_region(request=request, action=Action.MANAGE_REGION)
    posted = request.method == "POST"
    form = DocumentSettingsForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        instance=document_settings(region=obj),
    )
    if request.method == "POST" and form.is_valid():
        document_settings_save(form=form)
        messages.success(request, _("Pengaturan dokumen disimpan."))
        return redirect("document_settings", region=region)
    status = 422 if form.errors else 200
    return render(request, "awards/document_settings.html", {"form": form}, status=status)


def followup_list(request: HttpRequest, region: str) -> HttpResponse:
    """Pembinaan of the region: due dates, overdue ones first; Tapem records reports."""
    obj = access_region(request=request, action=Action.MANAGE_REGION)
    failed: tuple[int, FollowUpReportForm] | None = None
    if request.method == "POST":
        followup = get_object_or_404(FollowUp.objects.all(), pk=request.POST.get("followup"))
        form = FollowUpReportForm(request.POST)
        if form.is_valid():
            try:
                followup_report(
                    followup=followup, report=form.cleaned_data["report"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Laporan pembinaan dicatat."))
                return redirect("followup_list", region=region)
        failed = (followup.pk, form)
    today = timezone.localdate()
    rows = [
        (item, failed[1] if failed and failed[0] == item.pk else FollowUpReportForm())
        for item in FollowUp.objects.select_related("kecamatan", "snapshot__period")
    ]
    rows.sort(key=lambda row: (row[0].reported_at is not None, row[0].due))
    return render(
        request,
        "awards/followups.html",
        {"region_obj": obj, "rows": rows, "today": today},
        status=422 if failed else 200,
    )
