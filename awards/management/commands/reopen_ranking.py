from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from awards.services import ranking_reopen
from evaluations.management.commands._period import add_period_arguments, period_in_scope, recorder


class Command(BaseCommand):
    help = (
        "Buka kembali hasil yang sudah ditetapkan (dengan alasan): penetapan itu digantikan "
        "dan tetap tersimpan, dan penilaian dapat diubah lagi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("--reason", required=True, help="Alasan membuka kembali.")
        parser.add_argument("--by", help="Nama pengguna Tapem (bawaan: sistem).")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            try:
                ranking_reopen(
                    period=period, reason=options["reason"], by=recorder(options["by"], period)
                )
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            self.stdout.write(f"Hasil {period} dibuka kembali; penilaian berlangsung lagi.")
