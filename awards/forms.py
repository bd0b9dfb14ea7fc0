import io
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image

from awards.models import DocumentSettings


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

    attendees = forms.MultipleChoiceField(
        label=_("Anggota tim yang hadir"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Yang hadir menandatangani berita acara penetapan."),
    )

    def __init__(self, *args: Any, team: list[tuple[str, str]], last: set[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = team
        self.fields["attendees"].initial = sorted(last)

    def clean_attendees(self) -> list[str] | None:
        return self.cleaned_data["attendees"] or None


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


LAMBANG_MAX_BYTES = 1024 * 1024
LAMBANG_MAX_SIDE = 3000


class DocumentSettingsForm(forms.ModelForm):
    """The region's kop, signatories, paper, and its lambang (PNG or JPEG up to 1 MiB,
    checked by decoding it: a file that only claims to be an image is refused)."""

    lambang_file = forms.FileField(
        label=_("Lambang daerah (PNG/JPEG, maks. 1 MiB)"), required=False
    )
    remove_lambang = forms.BooleanField(label=_("Hapus lambang"), required=False)

    class Meta:
        model = DocumentSettings
        fields = [
            "kop_lines", "address", "place", "head_name", "tapem_head_name", "tapem_head_nip",
            "tapem_head_title", "paper", "penyerahan_stage", "pembobotan_stages",
            "followup_predikat", "followup_months", "followup_pd",
        ]  # fmt: skip
        widgets = {"kop_lines": forms.Textarea(attrs={"rows": 3})}

    def clean_lambang_file(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("lambang_file")
        if not upload:
            return None
        if upload.size > LAMBANG_MAX_BYTES:
            raise forms.ValidationError(_("Lambang terlalu besar; maksimal 1 MiB."))
        content = upload.read()
        try:
            with Image.open(io.BytesIO(content)) as image:
                image.verify()
            with Image.open(io.BytesIO(content)) as image:
                kind, size = image.format, image.size
        except (OSError, SyntaxError, Image.DecompressionBombError) as error:
            raise forms.ValidationError(_("Berkas lambang bukan gambar PNG atau JPEG.")) from error
        if kind not in ("PNG", "JPEG"):
            raise forms.ValidationError(_("Lambang harus berformat PNG atau JPEG."))
        if max(size) > LAMBANG_MAX_SIDE:
            raise forms.ValidationError(
                _("Lambang terlalu besar; sisi terpanjang maksimal %(n)s piksel.")
                % {"n": LAMBANG_MAX_SIDE}
            )
        return content, f"image/{kind.lower()}"

    def save(self, commit: bool = True) -> DocumentSettings:
        options = super().save(commit=False)
        if self.cleaned_data.get("remove_lambang"):
            options.lambang, options.lambang_type = None, ""
        elif self.cleaned_data.get("lambang_file"):
            options.lambang, options.lambang_type = self.cleaned_data["lambang_file"]
        if commit:
            options.save()
        return options


class FollowUpReportForm(forms.Form):
    report = forms.CharField(
        label=_("Laporan evaluasi ulang"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
