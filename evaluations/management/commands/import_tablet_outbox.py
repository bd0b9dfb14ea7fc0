import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evaluations.management.commands._period import (
    add_period_arguments,
    period_in_scope,
    recorder,
)
from evaluations.models import Sheet
from evaluations.tablet import outbox_import


class Command(BaseCommand):
    help = (
        "Simpan perubahan yang belum terkirim dari berkas unduhan tablet penilai "
        "(kinerja-lembar-<id>-belum-terkirim.json). Yang sudah tersimpan dilewati; nilai yang "
        "sudah diubah di tempat lain dilaporkan sebagai konflik dan tidak ditimpa."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("file", help="Berkas JSON yang diunduh dari tablet.")
        parser.add_argument("--by", required=True, help="Nama pengguna Tapem yang menyimpan.")

    def handle(self, *args, **options) -> None:
        try:
            data = json.loads(Path(options["file"]).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Berkas tidak dapat dibaca sebagai JSON: {error}") from None
        if not isinstance(data, dict) or data.get("kind") != "kinerja-tablet-outbox":
            raise CommandError("Berkas ini bukan unduhan perubahan tablet Kinerja.")
        with period_in_scope(options["region"], options["period"]) as period:
            sheet = Sheet.objects.filter(period=period, pk=data.get("sheet")).first()
            if sheet is None or sheet.assessor_id is None:
                raise CommandError("Lembar dalam berkas tidak ada pada periode ini.")
            by = recorder(options["by"], period)
            results = outbox_import(sheet=sheet, data=data, by=by)
        labels = {
            "stored": "disimpan",
            "already": "sudah tersimpan",
            "conflict": "konflik",
            "refused": "ditolak",
        }
        for result in results:
            line = f"{result.cell}: {labels[result.outcome]}"
            self.stdout.write(f"{line} — {result.message}" if result.message else line)
        if any(r.outcome in ("conflict", "refused") for r in results):
            raise CommandError("Sebagian perubahan tidak disimpan (lihat di atas).")
