from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from evaluations.management.commands._period import add_period_arguments, period_in_scope
from evaluations.score_template import NotOnTeam, score_template_write, template_guide
from evaluations.scoring_input import period_score_layout, scoring_input_from_layout
from regions.formatting import number


class Command(BaseCommand):
    help = (
        "Tulis buku kerja nilai (lembar 'nilai') periode: satu baris per nilai yang harus "
        "diisi, berisi nilai yang sudah tersimpan, dengan daftar pilihan, batas nilai dan "
        "lembar 'petunjuk' untuk yang mengisi."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("out", type=Path, help="Berkas .xlsx yang ditulis.")
        parser.add_argument(
            "--penilai",
            metavar="USERNAME",
            help="Hanya baris penilai ini (nama pengguna anggota tim penilai periode).",
        )

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            layout = period_score_layout(period=period)
            try:
                count = score_template_write(
                    data=scoring_input_from_layout(layout=layout),
                    out=options["out"],
                    guide=template_guide(layout=layout),
                    penilai=options["penilai"],
                )
            except NotOnTeam:
                raise CommandError(
                    f"Penilai '{options['penilai']}' tidak duduk di tim penilai {period}."
                ) from None
        self.stdout.write(
            _("%(count)s baris nilai ditulis ke %(out)s.")
            % {"count": number(count), "out": options["out"]}
        )
