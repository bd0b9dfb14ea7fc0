from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin
from import_export.admin import ImportExportModelAdmin

from regions.forms import NipField
from regions.models import ApiToken, Kecamatan, Membership, Profile, Region, Transition
from regions.resources import KecamatanResource
from regions.services import membership_grant, membership_kecamatan_set, membership_revoke


class KecamatanInline(admin.TabularInline):
    model = Kecamatan
    extra = 0
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Region)
class RegionAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "kind", "is_active"]
    prepopulated_fields = {"slug": ("name",)}
    inlines = [KecamatanInline]


@admin.register(Kecamatan)
class KecamatanAdmin(ImportExportModelAdmin):
    resource_classes = [KecamatanResource]
    list_display = ["name", "region", "slug"]
    list_filter = ["region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "region", "role", "kecamatan", "status"]
    list_filter = ["region", "role", "status"]
    search_fields = ["user__username", "user__profile__full_name", "user__profile__nip"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request: HttpRequest, obj: Membership | None = None) -> list:
        # A role keeps its user, region and kind (its history hangs on it); the status moves
        # only through the services that record why (Admin Tapem's Pengguna pages).
        return ["status"] if obj is None else ["user", "region", "role", "status"]

    def save_model(
        self, request: HttpRequest, obj: Membership, form: forms.ModelForm, change: bool
    ) -> None:
        # Roles carry guardian permissions: always go through the services.
        if change:
            membership_kecamatan_set(membership=obj, kecamatan=obj.kecamatan)
            return
        membership_grant(user=obj.user, region=obj.region, role=obj.role, kecamatan=obj.kecamatan)

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(membership=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset:
            membership_revoke(membership=membership)


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    """The record of state changes: read-only, never edited or deleted."""

    list_display = ["at", "region", "content_type", "object_id", "from_state", "to_state", "by"]
    list_filter = ["region", "content_type"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Transition | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Transition | None = None) -> bool:
        return False


class ProfileAdminForm(forms.ModelForm):
    nip = NipField(label=_("NIP"), required=False, help_text=_("18 angka; spasi boleh."))

    class Meta:
        model = Profile
        fields = ["user", "full_name", "nip", "jabatan", "pangkat", "instansi"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    """The person's facts; the superuser fills them for the Admin Tapem it creates here."""

    form = ProfileAdminForm
    list_display = ["full_name", "user", "nip", "jabatan", "pangkat", "instansi"]
    search_fields = ["full_name", "user__username", "nip", "jabatan"]
    autocomplete_fields = ["user"]
    # Changed only through the services, which record who reset it and when.
    readonly_fields = ["password_status"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: a key is made and shown once on the person's own Token API page."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    readonly_fields = [field.name for field in ApiToken._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
