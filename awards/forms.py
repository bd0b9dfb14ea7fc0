from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FreezeForm(forms.Form):
    """The Rapat Penetapan / Penentuan Akhir that determines the result."""

    meeting_date = forms.DateField(
        label=_("Tanggal rapat penetapan"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    meeting_place = forms.CharField(
        label=_("Tempat rapat"),
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("misalnya: Ruang Rapat Sekretariat Daerah")}
        ),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
