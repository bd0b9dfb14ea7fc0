"""Warnings and notes are data (a code, parameters, an Indonesian template) that render the
same text everywhere, and that the Django layer can translate."""

import re
from decimal import Decimal

from scoring.messages import TEMPLATES, Code, Message, message, shown

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def test_every_code_has_a_template_and_every_template_renders():
    assert set(TEMPLATES) == set(Code)
    for code, template in TEMPLATES.items():
        names = PLACEHOLDER.findall(template)
        assert template.replace("%%", "").count("%") == len(names), code
        text = message(code, **dict.fromkeys(names, "x")).text
        assert "%(" not in text


def test_parameters_as_the_text_prints_them():
    assert shown(Decimal("85.50")) == "85,50"
    assert shown(("Kecamatan Bunta", "Kecamatan Toili")) == "Kecamatan Bunta, Kecamatan Toili"
    assert shown(3) == "3"


def test_a_message_renders_through_a_translation():
    tie = message(
        Code.TIE_UNBROKEN,
        kecamatan=("Kecamatan Bunta", "Kecamatan Toili"),
        keys=("bunta", "toili"),
        score=Decimal("60.00"),
        rank=3,
    )
    assert tie.code == "tie_unbroken"
    assert tie.parameters["keys"] == ("bunta", "toili")
    assert (
        str(tie)
        == tie.text
        == (
            "Kecamatan Bunta, Kecamatan Toili memiliki nilai akhir sama (60,00) yang tidak "
            "terpecahkan aturan nilai seri; semuanya berperingkat 3."
        )
    )
    english = {TEMPLATES[Code.TIE_UNBROKEN]: "%(kecamatan)s tie at %(score)s (rank %(rank)s)."}
    assert tie.render(lambda t: english.get(t, t)) == (
        "Kecamatan Bunta, Kecamatan Toili tie at 60,00 (rank 3)."
    )


def test_a_callers_own_message():
    note = Message("values_skipped_team", (("n", 4), ("stage", "T1")), "%(stage)s: %(n)s.")
    assert note.text == "T1: 4."
    assert note == Message("values_skipped_team", (("n", 4), ("stage", "T1")), "%(stage)s: %(n)s.")
