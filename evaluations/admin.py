from django.contrib import admin
from django.http import HttpRequest

from evaluations.models import MemberAbsence, Participation, Period, TeamMember, TieDecision


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


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
