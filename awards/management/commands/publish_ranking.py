from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from awards.services import ranking_publish
from evaluations.management.commands._period import add_period_arguments, period_in_scope, recorder


class Command(BaseCommand):
    help = "Umumkan hasil yang sudah ditetapkan di halaman publik /publik/<region>/<period>/."

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("--by", help="Nama pengguna Tapem (bawaan: sistem).")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            try:
                ranking_publish(period=period, by=recorder(options["by"], period))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            url = reverse(
                "public_result", kwargs={"daerah": period.region.slug, "period": period.slug}
            )
            self.stdout.write(f"Hasil {period} diumumkan: {url}")
