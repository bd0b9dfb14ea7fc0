"""A stage's presentation limits (`Stage.presentation_limits`): the phases of the Camat's
presentation with their minutes, the page limit of the slides and the article that sets
them. The scoring screen's timer reads them; a stage without them (a field visit, a desk
evaluation) has no timer.

    {"phases": [{"code": "video", "label": "Video kewilayahan", "minutes": 10},
                {"code": "paparan", "label": "Pemaparan Camat", "minutes": 30},
                {"code": "wawancara", "label": "Wawancara panel", "minutes": null}],
     "slides": 12,
     "reference": "Pasal 11 ayat (5)–(8)"}

`minutes` null: a phase without a limit (the panel interview). `{}`: no presentation.
One rule checks the shape for the model field (so forms, the workbook and the fixture
import all meet it) and for the set's validation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_MINUTES = 600
MAX_PAGES = 1000
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_KEYS = {"phases", "slides", "reference"}
_PHASE_KEYS = {"code", "label", "minutes"}


@dataclass(frozen=True)
class Phase:
    code: str
    label: str
    minutes: int | None


@dataclass(frozen=True)
class PresentationLimits:
    phases: tuple[Phase, ...]
    slides: int | None
    reference: str


def _whole(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high


def presentation_limit_problems(value: Any) -> list[str]:
    """Every way `value` misses the shape above, in Indonesian ([] when it is right)."""
    if value in (None, {}):
        return []
    if not isinstance(value, dict):
        return [_('Batas waktu pemaparan harus berupa objek JSON, misalnya {"phases": [...]}.')]
    problems = []
    unknown = sorted(set(value) - _KEYS)
    if unknown:
        problems.append(
            _("Kunci %(keys)s tidak dikenal; yang dikenal: phases, slides, reference.")
            % {"keys": ", ".join(unknown)}
        )
    phases = value.get("phases")
    if not isinstance(phases, list) or not phases:
        problems.append(_("Isi phases dengan sedikitnya satu fase pemaparan."))
        phases = []
    seen: set[str] = set()
    for number, phase in enumerate(phases, start=1):
        where = _("Fase %(n)s") % {"n": number}
        if not isinstance(phase, dict):
            problems.append(
                _('%(where)s harus berupa objek {"code", "label", "minutes"}.') % {"where": where}
            )
            continue
        extra = sorted(set(phase) - _PHASE_KEYS)
        if extra:
            problems.append(
                _("%(where)s: kunci %(keys)s tidak dikenal.")
                % {"where": where, "keys": ", ".join(extra)}
            )
        code = phase.get("code")
        if not isinstance(code, str) or not _CODE.match(code):
            problems.append(
                _(
                    "%(where)s: kode wajib diisi dengan huruf, angka, titik, garis bawah "
                    "atau tanda hubung."
                )
                % {"where": where}
            )
        elif code in seen:
            problems.append(
                _("%(where)s: kode %(code)s dipakai dua kali.") % {"where": where, "code": code}
            )
        else:
            seen.add(code)
        label = phase.get("label")
        if not isinstance(label, str) or not label.strip():
            problems.append(_("%(where)s: nama fase (label) wajib diisi.") % {"where": where})
        minutes = phase.get("minutes")
        if minutes is not None and not _whole(minutes, 1, MAX_MINUTES):
            problems.append(
                _(
                    "%(where)s: menit harus bilangan bulat 1–%(max)s, atau null bila fase ini "
                    "tanpa batas waktu."
                )
                % {"where": where, "max": MAX_MINUTES}
            )
    slides = value.get("slides")
    if slides is not None and not _whole(slides, 1, MAX_PAGES):
        problems.append(
            _("Batas halaman bahan paparan (slides) harus bilangan bulat 1–%(max)s, atau null.")
            % {"max": MAX_PAGES}
        )
    reference = value.get("reference", "")
    if not isinstance(reference, str):
        problems.append(_("Rujukan (reference) harus berupa teks."))
    return problems


def validate_presentation_limits(value: Any) -> None:
    """The model field's validator: refuses a malformed shape with every problem named."""
    problems = presentation_limit_problems(value)
    if problems:
        raise ValidationError(problems)


def presentation_limits_of(value: Any) -> PresentationLimits | None:
    """The limits as the timer draws them, or None when the stage has none (or they are
    malformed; the set's validation reports that)."""
    if not value or presentation_limit_problems(value):
        return None
    return PresentationLimits(
        phases=tuple(
            Phase(p["code"], p["label"].strip(), p.get("minutes")) for p in value["phases"]
        ),
        slides=value.get("slides"),
        reference=(value.get("reference") or "").strip(),
    )
