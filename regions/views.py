"""Admin Tapem's user pages (/<region>/pengguna/…) and the password change every user sees."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from config.http import posted_data
from regions import selectors, services, tokens
from regions.access import Action, access_api_token, access_region, require
from regions.forms import (
    ApiTokenForm,
    DeactivateForm,
    PasswordChangeForm,
    ReasonForm,
    UserCreateForm,
    UserEditForm,
)
from regions.models import Kecamatan, Notice, Role
from regions.people import person_name
from regions.selectors import RegionUser
from regions.user_access import UserAction, access_region_user, region_user_refusal


@require_safe
def user_list(request: HttpRequest, region: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    role = request.GET.get("peran", "")
    role = role if role in Role.values else ""
    return render(
        request,
        "regions/user_list.html",
        {
            "people": selectors.region_user_list(role=role or None),
            "role": role,
            "role_choices": Role.choices,
        },
    )


@never_cache
def user_new(request: HttpRequest, region: str) -> HttpResponse:
    require(request.user, Action.MANAGE_REGION, request.region)
    form = UserCreateForm(posted_data(request), kecamatan=_kecamatan())
    if request.method == "POST" and form.is_valid():
        try:
            created = services.region_user_create(
                region=request.region, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _password_page(request, created.user, created.password, created=True)
    status = 422 if form.errors else 200
    return render(request, "regions/user_form.html", {"form": form, "person": None}, status=status)


@require_safe
def user_detail(request: HttpRequest, region: str, user_id: int) -> HttpResponse:
    person = access_region_user(
        user=request.user, region=request.region, user_id=user_id, action=UserAction.VIEW
    )
    return _detail_page(request, person)


def user_edit(request: HttpRequest, region: str, user_id: int) -> HttpResponse:
    person = access_region_user(
        user=request.user, region=request.region, user_id=user_id, action=UserAction.EDIT
    )
    profile = person.profile
    initial = {
        "full_name": getattr(profile, "full_name", ""),
        "nip": getattr(profile, "nip", ""),
        "jabatan": getattr(profile, "jabatan", ""),
        "pangkat": getattr(profile, "pangkat", ""),
        "instansi": getattr(profile, "instansi", ""),
        "kecamatan": person.kecamatan,
    }
    form = UserEditForm(
        posted_data(request),
        initial=initial,
        kecamatan=_kecamatan(),
        operator=person.is_operator,
    )
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.region_user_update(
                user=person.user, region=request.region, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Data %(person)s disimpan.") % {"person": person_name(profile.user)}
            )
            return redirect("user_detail", region=region, user_id=person.pk)
    status = 422 if form.errors else 200
    return render(
        request, "regions/user_form.html", {"form": form, "person": person}, status=status
    )


@require_POST
def user_status(request: HttpRequest, region: str, user_id: int) -> HttpResponse:
    """Deactivate the person in this region (a reason is required) or reactivate them."""
    person = access_region_user(
        user=request.user, region=request.region, user_id=user_id, action=UserAction.SET_STATUS
    )
    deactivating = person.is_active
    form = DeactivateForm(request.POST) if deactivating else ReasonForm(request.POST)
    if form.is_valid():
        change = (
            services.region_user_deactivate if deactivating else services.region_user_reactivate
        )
        try:
            change(
                user=person.user,
                region=request.region,
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if deactivating:
                done = _("%(person)s dinonaktifkan di %(region)s.")
            else:
                done = _("%(person)s diaktifkan kembali di %(region)s.")
            messages.success(
                request, done % {"person": person_name(person.user), "region": request.region}
            )
            return redirect("user_detail", region=region, user_id=person.pk)
    return _detail_page(request, person, status_form=form, status=422)


@require_POST
@never_cache
def user_password_reset(request: HttpRequest, region: str, user_id: int) -> HttpResponse:
    person = access_region_user(
        user=request.user,
        region=request.region,
        user_id=user_id,
        action=UserAction.RESET_PASSWORD,
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, person, reset_form=form, status=422)
    password = services.password_reset(
        user=person.user, region=request.region, by=request.user, reason=form.cleaned_data["reason"]
    )
    return _password_page(request, person.user, password, created=False)


def _kecamatan() -> QuerySet[Kecamatan]:
    return Kecamatan.objects.order_by("name")


def _detail_page(
    request: HttpRequest,
    person: RegionUser,
    status_form: DeactivateForm | ReasonForm | None = None,
    reset_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    refusals = {
        action.value: region_user_refusal(actor=request.user, person=person, action=action)
        for action in (UserAction.EDIT, UserAction.SET_STATUS, UserAction.RESET_PASSWORD)
    }
    if status_form is None:
        status_form = DeactivateForm() if person.is_active else ReasonForm()
    return render(
        request,
        "regions/user_detail.html",
        {
            "person": person,
            "history": selectors.region_user_history(person=person),
            "refusals": refusals,
            "status_form": status_form,
            "reset_form": reset_form or ReasonForm(),
        },
        status=status,
    )


def _password_page(
    request: HttpRequest, user: AbstractBaseUser, password: str, *, created: bool
) -> HttpResponse:
    """The temporary password, shown this once (the response is not cached; a reload asks
    to resend the form, which gives another password)."""
    return render(
        request,
        "regions/user_password.html",
        {"account": user, "password": password, "created": created},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; choosing one's own password lifts a temporary one."""

    form_class = PasswordChangeForm

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            services.password_changed(user=form.user)
        return response


def notice_list(request: HttpRequest, region: str) -> HttpResponse:
    """The person's notices in this region; POST marks them all read."""
    obj = access_region(request=request, action=Action.VIEW_REGION)
    if request.method == "POST":
        services.notices_mark_read(region=obj, user=request.user)
        return redirect("notice_list", region=region)
    notices = list(Notice.objects.filter(user=request.user)[:100])
    return render(request, "regions/notices.html", {"notices": notices})


@never_cache
@login_required
def api_token_list(request: HttpRequest) -> HttpResponse:
    """One's own API tokens; POST makes one, whose key is shown on this answer only."""
    form = ApiTokenForm(posted_data(request))
    created = None
    if form.is_valid():
        created = tokens.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            valid_days=form.cleaned_data["valid_days"],
        )
        form = ApiTokenForm()
    return render(
        request,
        "regions/api_tokens.html",
        {
            "form": form,
            "created": created,
            "tokens": tokens.api_tokens_of(request.user),
            "now": timezone.now(),
        },
        status=422 if form.is_bound and form.errors else 200,
    )


@require_POST
@login_required
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = access_api_token(request=request, token_id=token_id)
    tokens.api_token_revoke(token=token)
    messages.success(request, _("Token “%(name)s” dicabut.") % {"name": token.name})
    return redirect("api_token_list")
