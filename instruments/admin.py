from django.contrib import admin

from instruments.models import InstrumentSet


@admin.register(InstrumentSet)
class InstrumentSetAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "code", "version", "status", "decision_basis"]
    list_filter = ["region", "status", "decision_basis"]
    # Freezing is a recorded transition (instruments.services.instrument_set_freeze); a frozen
    # set never goes back to draft, so admin shows the status without letting it change.
    readonly_fields = ["status"]
