import datetime
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from awards.services import ranking_freeze
from evaluations.management.commands._period import add_period_arguments, period_in_scope, recorder


class Command(BaseCommand):
    help = (
        "Tetapkan (bekukan) hasil periode: menyimpan salinan hasil yang tidak dapat diubah "
        'beserta SHA-256-nya, dan mencetak {"snapshot": <id>, "sha256": "<hex>"}.'
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument(
            "--date",
            type=datetime.date.fromisoformat,
            help="Tanggal rapat penetapan, YYYY-MM-DD (bawaan: hari ini).",
        )
        parser.add_argument("--place", default="", help="Tempat rapat penetapan.")
        parser.add_argument(
            "--attendees",
            help="Nama pengguna anggota tim yang hadir, dipisah koma (bawaan: tim tahap terakhir).",
        )
        parser.add_argument("--by", help="Nama pengguna Tapem yang menetapkan (bawaan: sistem).")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            try:
                snapshot = ranking_freeze(
                    period=period,
                    by=recorder(options["by"], period),
                    meeting_date=options["date"],
                    meeting_place=options["place"],
                    attendees=[
                        name.strip() for name in options["attendees"].split(",") if name.strip()
                    ]
                    if options["attendees"]
                    else None,
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(json.dumps({"snapshot": snapshot.pk, "sha256": snapshot.sha256}))
