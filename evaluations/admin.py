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
    inlines = [ParticipationInline, TeamMemberInline]
