from django.contrib import admin

from evaluations.models import Participation, Period, TeamMember


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
