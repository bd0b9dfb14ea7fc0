from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser

from evaluations.management.commands._period import add_period_arguments, period_in_scope
from evaluations.score_template import score_template_write, template_guide
from evaluations.scoring_input import period_score_layout, scoring_input_from_layout


class Command(BaseCommand):
    help = (
        "Tulis buku kerja nilai (lembar 'nilai') periode: satu baris per nilai yang harus "
        "diisi, berisi nilai yang sudah tersimpan, dengan daftar pilihan, batas nilai dan "
        "lembar 'petunjuk' untuk yang mengisi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("out", type=Path, help="Berkas .xlsx yang ditulis.")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            layout = period_score_layout(period=period)
            count = score_template_write(
                data=scoring_input_from_layout(layout=layout),
                out=options["out"],
                guide=template_guide(layout=layout),
            )
        self.stdout.write(f"{count} baris nilai ditulis ke {options['out']}.")
