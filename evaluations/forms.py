from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _


class ScoreWorkbookForm(forms.Form):
    workbook = forms.FileField(
        label=_("Berkas nilai (.xlsx)"),
        help_text=_("Templat nilai yang sudah diisi, dengan lembar 'nilai'."),
    )

    def clean_workbook(self) -> UploadedFile:
        workbook = self.cleaned_data["workbook"]
        if workbook.size > settings.KINERJA_MAX_WORKBOOK_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar (maksimal %(mb)s MB).")
                % {"mb": settings.KINERJA_MAX_WORKBOOK_BYTES // (1024 * 1024)}
            )
        return workbook
