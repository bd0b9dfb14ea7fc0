from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from evaluations.management.commands._period import add_period_arguments, period_in_scope
from evaluations.score_workbook import score_template_write
from evaluations.scoring_input import period_score_layout, scoring_input_from_layout
from regions.formatting import number


class Command(BaseCommand):
    help = (
        "Tulis buku kerja nilai (lembar 'nilai') periode: satu baris per nilai yang harus "
        "diisi, berisi nilai yang sudah tersimpan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("out", type=Path, help="Berkas .xlsx yang ditulis.")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            data = scoring_input_from_layout(layout=period_score_layout(period=period))
            count = score_template_write(data=data, out=options["out"])
        self.stdout.write(
            _("%(count)s baris nilai ditulis ke %(out)s.")
            % {"count": number(count), "out": options["out"]}
        )
