from django.contrib import admin

from awards.models import ResultSnapshot, SnapshotReopening
from evaluations.admin import OfficialRecordAdmin


@admin.register(ResultSnapshot)
class ResultSnapshotAdmin(OfficialRecordAdmin):
    list_display = ["period", "number", "meeting_date", "sha256", "frozen_by", "frozen_at"]
    list_filter = ["period__region"]


@admin.register(SnapshotReopening)
class SnapshotReopeningAdmin(OfficialRecordAdmin):
    list_display = ["snapshot", "at", "by"]
