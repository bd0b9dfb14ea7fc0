import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from evaluations.management.commands._period import (
    add_period_arguments,
    kecamatan_named,
    period_in_scope,
)
from evaluations.selectors import value_history


class Command(BaseCommand):
    help = (
        "Riwayat perubahan nilai sebuah periode (siapa, kapan, lewat apa, nilai lama dan "
        "baru), dari yang paling lama."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("--kecamatan", help="Nama (atau kode URL) satu kecamatan.")
        parser.add_argument("--json", action="store_true", help="Keluaran JSON.")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            kecamatan = None
            if options["kecamatan"]:
                kecamatan = kecamatan_named(options["kecamatan"], period)
            rows = value_history(period=period, kecamatan=kecamatan)
            if options["json"]:
                data = [row.as_data() for row in rows]
                self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
                return
            for row in rows:
                cell = f"{row.indicator}:{row.part}" if row.part else row.indicator
                at = timezone.localtime(row.at)
                self.stdout.write(
                    f"{at:%Y-%m-%d %H:%M:%S} {row.by or 'sistem'} ({row.via}) "
                    f"{row.stage} {row.kecamatan} {row.assessor or 'mandiri'} {cell}: "
                    f"{row.old or '—'} → {row.new or '—'}"
                )
