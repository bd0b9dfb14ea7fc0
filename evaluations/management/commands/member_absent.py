from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from evaluations.decisions import CONFLICT, absence_record, absence_withdraw, conflict_record
from evaluations.management.commands._period import (
    add_period_arguments,
    kecamatan_named,
    period_in_scope,
    recorder,
)
from evaluations.models import MemberAbsence
from instruments.models import Stage
from regions.people import person_name


class Command(BaseCommand):
    help = (
        "Catat (atau dengan --undo tarik) bahwa seorang penilai tim tidak hadir atau "
        "mengundurkan diri untuk satu kecamatan pada satu tahap; rata-rata tahap itu lalu "
        "dibagi dengan anggota yang ikut menilai."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("--stage", required=True, help="Kode tahap (kolom 'tahap' templat).")
        parser.add_argument("--penilai", required=True, help="Nama pengguna penilai.")
        parser.add_argument("--kecamatan", required=True, help="Nama (atau kode URL) kecamatan.")
        parser.add_argument("--reason", required=True, help="Alasan (dicatat di berita acara).")
        parser.add_argument(
            "--kind",
            choices=[*MemberAbsence.Kind.values, CONFLICT],
            default=MemberAbsence.Kind.ABSENT,
            help=(
                "absent: tidak hadir (bawaan); recused: mengundurkan diri; conflict: konflik "
                "kepentingan yang dicatat Tapem (tercatat sebagai mengundurkan diri, alasannya "
                "menyebut konflik itu)."
            ),
        )
        parser.add_argument("--undo", action="store_true", help="Tarik catatan yang berlaku.")
        parser.add_argument("--by", help="Nama pengguna Tapem yang mencatat (bawaan: sistem).")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            stage = Stage.objects.filter(
                instrument_set_id=period.instrument_set_id, code=options["stage"].strip()
            ).first()
            if stage is None:
                raise CommandError(
                    f"Tahap '{options['stage']}' tidak ada dalam set instrumen periode ini."
                )
            member = get_user_model().objects.filter(username=options["penilai"].strip()).first()
            if member is None:
                raise CommandError(f"Penilai '{options['penilai']}' tidak ditemukan.")
            kecamatan = kecamatan_named(options["kecamatan"], period)
            arguments = {
                "period": period,
                "stage": stage,
                "kecamatan": kecamatan,
                "member": member,
                "reason": options["reason"],
                "by": recorder(options["by"], period),
            }
            try:
                if options["undo"]:
                    absence_withdraw(**arguments)
                elif options["kind"] == CONFLICT:
                    record = conflict_record(**arguments)
                else:
                    record = absence_record(kind=options["kind"], **arguments)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            who = person_name(member)
            if options["undo"]:
                self.stdout.write(
                    f"Catatan ketidakhadiran {who} untuk {kecamatan.name} pada tahap "
                    f"{stage.code} ditarik."
                )
            else:
                self.stdout.write(
                    f"Tercatat: {who} {record.get_kind_display().lower()} untuk "
                    f"{kecamatan.name} pada tahap {stage.code}."
                )
