from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from awards.issuing import documents_request
from awards.models import Document
from awards.tasks import render_document
from evaluations.management.commands._period import add_period_arguments, period_in_scope


class Command(BaseCommand):
    help = (
        "Terbitkan setiap dokumen hasil yang sudah ditetapkan (lewat tugas yang sama dengan "
        "halaman) dan salin ke OUTDIR; satu baris per berkas: <jenis> <path> <sha256>."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("outdir", type=Path, help="Folder tujuan (dibuat bila belum ada).")

    def handle(self, *args, **options) -> None:
        outdir: Path = options["outdir"]
        with period_in_scope(options["region"], options["period"]) as period:
            try:
                _snapshot, documents = documents_request(period=period, by=None)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            outdir.mkdir(parents=True, exist_ok=True)
            failed = []
            for document in documents:
                # The same task the page queues, run here and now (a no-op once rendered).
                render_document.apply(kwargs={"document_id": document.pk})
                document.refresh_from_db()
                if document.state != Document.State.RENDERED:
                    failed.append(f"{document.kind} {document.subject}: {document.error}")
                    continue
                path = outdir / document.filename
                with document.file.open("rb") as source:
                    path.write_bytes(source.read())
                self.stdout.write(f"{document.kind} {path} {document.sha256}")
            if failed:
                shown = "; ".join(failed[:3]) + (
                    f" (dan {len(failed) - 3} lainnya)" if len(failed) > 3 else ""
                )
                raise CommandError(f"{len(failed)} dokumen gagal diterbitkan: {shown}")
