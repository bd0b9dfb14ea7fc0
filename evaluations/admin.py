from django.contrib import admin
from django.http import HttpRequest

from evaluations.models import MemberAbsence, Participation, Period, TeamMember, TieDecision


class SetupInline(admin.TabularInline):
    """Participants and seats change only while the period is in Persiapan or Berlangsung,
    here as in the services: a closed, frozen or published period's are shown read-only."""

    extra = 0

    def _changeable(self, obj: Period | None) -> bool:
        return obj is None or obj.status in (Period.Status.PREPARATION, Period.Status.OPEN)

    def has_add_permission(self, request: HttpRequest, obj: Period | None = None) -> bool:
        return self._changeable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Period | None = None) -> bool:
        return self._changeable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Period | None = None) -> bool:
        return self._changeable(obj) and super().has_delete_permission(request, obj)


class ParticipationInline(SetupInline):
    model = Participation


class TeamMemberInline(SetupInline):
    model = TeamMember


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "slug", "year_evaluated", "status"]
    list_filter = ["region", "status"]
    # Status moves only through the recorded transition (evaluations.services.period_set_status).
    readonly_fields = ["status"]
    inlines = [ParticipationInline, TeamMemberInline]


class OfficialRecordAdmin(admin.ModelAdmin):
    """An insert-only record: shown, never added, edited or deleted here (the services
    in evaluations/decisions.py are its only writers)."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(MemberAbsence)
class MemberAbsenceAdmin(OfficialRecordAdmin):
    list_display = ["recorded_at", "period", "stage", "kecamatan", "member", "kind", "withdrawn"]
    list_filter = ["period__region", "kind", "withdrawn"]


@admin.register(TieDecision)
class TieDecisionAdmin(OfficialRecordAdmin):
    list_display = ["recorded_at", "period", "__str__", "meeting", "recorded_by"]
    list_filter = ["period__region"]
