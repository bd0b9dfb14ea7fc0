import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django_scopes import scope

from awards.issuing import document_for_file
from awards.services import current_snapshot


class Command(BaseCommand):
    help = (
        "Periksa apakah FILE adalah dokumen yang diterbitkan Kinerja: keluar 0 dan cetak "
        "penetapannya (saat ini atau sudah digantikan), atau keluar 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            self.stderr.write(f"Berkas {path} tidak ditemukan.")
            sys.exit(1)
        document = document_for_file(content=path.read_bytes())
        if document is None:
            self.stderr.write("Berkas ini bukan dokumen yang diterbitkan Kinerja.")
            sys.exit(1)
        snapshot = document.snapshot
        period = snapshot.period
        with scope(region=period.region):
            standing = current_snapshot(period=period)
        is_current = standing is not None and standing.pk == snapshot.pk
        self.stdout.write(
            json.dumps(
                {
                    "document": document.kind,
                    "subject": document.subject,
                    "code": document.code,
                    "sha256": document.sha256,
                    "region": period.region.slug,
                    "period": period.slug,
                    "snapshot": snapshot.pk,
                    "snapshot_number": snapshot.number,
                    "snapshot_sha256": snapshot.sha256,
                    "current": is_current,
                    "status": "current" if is_current else "superseded",
                },
                ensure_ascii=False,
            )
        )
