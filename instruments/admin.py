from django.contrib import admin

from instruments.models import InstrumentSet


@admin.register(InstrumentSet)
class InstrumentSetAdmin(admin.ModelAdmin):
    list_display = ["name", "region", "code", "version", "status"]
    list_filter = ["region", "status"]
