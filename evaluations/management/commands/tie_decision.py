from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from evaluations.decisions import tie_decision_record
from evaluations.management.commands._period import (
    add_period_arguments,
    kecamatan_named,
    period_in_scope,
    recorder,
)
from regions.formatting import date


class Command(BaseCommand):
    help = (
        "Catat keputusan Tim atas nilai seri yang tidak terpecahkan aturan nilai seri: urutan "
        "kecamatan (yang lebih tinggi lebih dahulu), alasan, dan rapat yang memutuskan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument(
            "--order",
            required=True,
            help='Nama kecamatan yang seri, dipisah koma, yang lebih tinggi dahulu: "A,B".',
        )
        parser.add_argument("--reason", required=True, help="Alasan keputusan Tim.")
        parser.add_argument(
            "--meeting",
            help="Rapat yang memutuskan (bawaan: 'Rapat Tim Penilai, <tanggal hari ini>').",
        )
        parser.add_argument("--by", help="Nama pengguna Tapem yang mencatat (bawaan: sistem).")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            names = [name.strip() for name in options["order"].split(",") if name.strip()]
            order = [kecamatan_named(name, period) for name in names]
            meeting = options["meeting"] or f"Rapat Tim Penilai, {date(timezone.localdate())}"
            try:
                decision = tie_decision_record(
                    period=period,
                    order=order,
                    reason=options["reason"],
                    meeting=meeting,
                    by=recorder(options["by"], period),
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(
                f"Keputusan Tim tercatat ({decision.meeting}): "
                + " > ".join(place["name"] for place in decision.places)
            )
