from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from evaluations.management.commands._period import add_period_arguments, period_in_scope
from evaluations.services import ScoreImportError, scores_import
from regions.formatting import number


class Command(BaseCommand):
    help = (
        "Impor buku kerja nilai (lembar 'nilai'): semua baris atau tidak sama sekali. "
        "Nilai kosong menghapus nilai yang tersimpan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("file", type=Path, help="Berkas .xlsx yang diimpor.")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            try:
                result = scores_import(period=period, workbook=options["file"], by=None)
            except ScoreImportError as error:
                for message in error.messages:
                    self.stderr.write(message)
                raise CommandError(
                    _("Impor dibatalkan (%(n)s masalah); tidak ada nilai yang disimpan.")
                    % {"n": number(len(error.messages))}
                ) from None
        self.stdout.write(
            _(
                "Impor selesai: %(rows)s baris; %(stored)s nilai disimpan, %(cleared)s "
                "dikosongkan, %(unchanged)s tidak berubah."
            )
            % {
                "rows": number(result.rows),
                "stored": number(result.stored),
                "cleared": number(result.cleared),
                "unchanged": number(result.unchanged),
            }
        )
