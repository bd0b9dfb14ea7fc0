"""Pages of instrument sets: read by every member of the region, edited by Admin Tapem.

Every view gets its set from `instruments.access.access_instrument_set`, which decides from
role and state: another region's set is a 404, a member without the role a 403 before
anything is looked up, and a frozen set answers every edit with the page explaining why
and offering a new version (409).
"""

from django.contrib import messages
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from config.http import ProblemList, posted_data, problem_list
from config.xlsx import WorkbookRejected
from instruments import diff, forms, selectors, services
from instruments.access import SetAction, access_instrument_set, set_frozen
from instruments.models import InstrumentSet
from instruments.validation import validate_instrument_set
from instruments.workbook import XLSX_CONTENT_TYPE
from regions.access import Action, StateConflict, access_region, can


@require_safe
def instrument_set_list(request: HttpRequest, region: str) -> HttpResponse:
    access_region(request=request, action=Action.VIEW_REGION)
    return render(
        request,
        "instruments/set_list.html",
        {
            "instrument_sets": selectors.instrument_set_list(),
            "can_manage": can(request.user, Action.MANAGE_REGION, request.region),
        },
    )


@require_safe
def instrument_set_detail(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.VIEW, tree=True)
    findings = validate_instrument_set(instrument_set)
    can_manage = can(request.user, Action.MANAGE_REGION, request.region)
    return render(
        request,
        "instruments/set_detail.html",
        {
            "instrument_set": instrument_set,
            "errors": [f for f in findings if f.is_error],
            # The conflict of the text has its own red block on the card.
            "warnings": [
                f
                for f in findings
                if not f.is_error and f.message != instrument_set.regulation_conflict.strip()
            ],
            "can_manage": can_manage,
            "editable": can_manage and not instrument_set.is_frozen,
            "other_versions": list(
                selectors.instrument_set_versions(instrument_set=instrument_set)
            ),
        },
    )


@require_safe
def instrument_set_download(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    """The set as an xlsx workbook: the same content the set page shows every member."""
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.VIEW)
    content = services.instrument_set_export_workbook(instrument_set=instrument_set)
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    filename = f"{instrument_set.code}-v{instrument_set.version}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def instrument_set_compare(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    """What changed between this version and another version (`?dengan=<pk>`) of the set."""
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.VIEW)
    try:
        other = selectors.instrument_set_version_get(
            instrument_set=instrument_set, pk=int(request.GET.get("dengan", ""))
        )
    except (ValueError, InstrumentSet.DoesNotExist):
        raise Http404 from None
    old, new = sorted((instrument_set, other), key=lambda s: s.version)
    changes = diff.instrument_set_diff(
        services.instrument_set_to_data(old), services.instrument_set_to_data(new)
    )
    return render(
        request,
        "instruments/set_compare.html",
        {"instrument_set": instrument_set, "old": old, "new": new, "changes": changes},
    )


# ------------------------------------------------------------------------------ Admin Tapem


def instrument_set_edit(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.EDIT)
    form = forms.InstrumentSetForm(posted_data(request), instance=instrument_set)
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_set_update(instrument_set=instrument_set, values=form.cleaned_data)
        except services.FrozenInstrumentSetError:
            raise set_frozen(instrument_set) from None
        messages.success(request, _("Dasar hukum dan pengaturan set disimpan."))
        return redirect(_detail_url(instrument_set))
    return render(
        request,
        "instruments/part_form.html",
        {
            "instrument_set": instrument_set,
            "form": form,
            "title": _("Ubah dasar hukum dan pengaturan set"),
        },
        status=422 if form.errors else 200,
    )


@require_POST
def instrument_set_clone(request: HttpRequest, region: str, pk: int) -> HttpResponse:
    """A new draft version with the same content ("buat versi baru")."""
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.MANAGE)
    try:
        clone = services.instrument_set_clone(instrument_set=instrument_set)
    except services.InstrumentImportError as exc:
        messages.error(
            request,
            _("Versi baru tidak dapat dibuat: %(reasons)s") % {"reasons": "; ".join(exc.messages)},
        )
        return redirect(_detail_url(instrument_set))
    messages.success(
        request,
        _("Versi %(version)s dibuat sebagai draf; versi %(old)s tidak berubah.")
        % {"version": clone.version, "old": instrument_set.version},
    )
    return redirect(_detail_url(clone))


def instrument_set_upload(request: HttpRequest, region: str) -> HttpResponse:
    """A new set, or the next version of a set with the same code, from a workbook."""
    access_region(request=request, action=Action.MANAGE_REGION)
    form = forms.WorkbookUploadForm(posted_data(request), request.FILES or None)
    problems: ProblemList | None = None
    if request.method == "POST" and form.is_valid():
        try:
            instrument_set = services.instrument_set_import_workbook(
                region=request.region, source=form.cleaned_data["workbook"]
            )
        except (WorkbookRejected, services.InstrumentImportError) as exc:
            problems = problem_list(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s versi %(version)s dibuat dari workbook sebagai draf.")
                % {"name": instrument_set.name, "version": instrument_set.version},
            )
            return redirect(_detail_url(instrument_set))
    return render(
        request,
        "instruments/upload.html",
        {"form": form, "problems": problems},
        status=422 if form.errors or problems else 200,
    )


def part_add(
    request: HttpRequest, region: str, pk: int, kind: str, parent: int | None = None
) -> HttpResponse:
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.EDIT)
    parent_kind = selectors.PART_PARENT_KIND[kind]
    parent_obj = _get_part(instrument_set, parent_kind, parent) if parent_kind else instrument_set
    form = forms.PART_FORMS[kind](
        posted_data(request), instrument_set=instrument_set, parent=parent_obj
    )
    if request.method == "POST" and form.is_valid():
        try:
            part = services.instrument_part_create(
                instrument_set=instrument_set,
                model=form._meta.model,
                parent=parent_obj,
                values=form.cleaned_data,
            )
        except services.FrozenInstrumentSetError:
            raise set_frozen(instrument_set) from None
        messages.success(request, _("%(part)s ditambahkan.") % {"part": _describe(part)})
        return redirect(_detail_url(instrument_set, part))
    return render(
        request,
        "instruments/part_form.html",
        {
            "instrument_set": instrument_set,
            "form": form,
            "title": _("Tambah %(kind)s") % {"kind": form._meta.model._meta.verbose_name},
            "parent": None if parent_obj is instrument_set else parent_obj,
        },
        status=422 if form.errors else 200,
    )


def part_edit(request: HttpRequest, region: str, pk: int, kind: str, part: int) -> HttpResponse:
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.EDIT)
    obj = _get_part(instrument_set, kind, part)
    parent = getattr(obj, selectors.PART_PARENT_FIELD[type(obj)])
    form = forms.PART_FORMS[kind](
        posted_data(request), instrument_set=instrument_set, parent=parent, instance=obj
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.instrument_part_update(
                instrument_set=instrument_set, part=obj, values=form.cleaned_data
            )
        except services.FrozenInstrumentSetError:
            raise set_frozen(instrument_set) from None
        messages.success(request, _("%(part)s disimpan.") % {"part": _describe(obj)})
        return redirect(_detail_url(instrument_set, obj))
    return render(
        request,
        "instruments/part_form.html",
        {
            "instrument_set": instrument_set,
            "form": form,
            "title": _("Ubah %(kind)s") % {"kind": type(obj)._meta.verbose_name},
            "parent": None if parent == instrument_set else parent,
        },
        status=422 if form.errors else 200,
    )


def part_delete(request: HttpRequest, region: str, pk: int, kind: str, part: int) -> HttpResponse:
    instrument_set = access_instrument_set(request=request, pk=pk, action=SetAction.EDIT)
    obj = _get_part(instrument_set, kind, part)
    if request.method == "POST":
        description = _describe(obj)
        try:
            services.instrument_part_delete(instrument_set=instrument_set, part=obj)
        except services.FrozenInstrumentSetError:
            raise set_frozen(instrument_set) from None
        except services.PartInUseError as error:
            raise StateConflict(
                str(error), context={"back_url": _detail_url(instrument_set, obj)}
            ) from None
        messages.success(request, _("%(part)s dihapus.") % {"part": description})
        return redirect(_detail_url(instrument_set))
    return render(
        request,
        "instruments/part_delete.html",
        {
            "instrument_set": instrument_set,
            "part": obj,
            "description": _describe(obj),
            "summary": selectors.part_delete_summary(part=obj),
        },
    )


# ------------------------------------------------------------------------------ helpers


def _get_part(instrument_set: InstrumentSet, kind: str, pk: int | None):
    model = selectors.PART_MODELS[kind]
    try:
        return selectors.part_get(instrument_set=instrument_set, kind=kind, pk=pk)
    except model.DoesNotExist:
        raise Http404 from None


def _describe(part: Model) -> str:
    return f"{capfirst(part._meta.verbose_name)} {part}"


def _detail_url(instrument_set: InstrumentSet, part: Model | None = None) -> str:
    url = reverse(
        "instrument_set_detail",
        kwargs={"region": instrument_set.region.slug, "pk": instrument_set.pk},
    )
    if part is not None:
        url += f"#{type(part).__name__.lower()}-{part.pk}"
    return url
