from django.core.management.base import BaseCommand, CommandParser

from awards.demo import load_demo_documents
from evaluations.demo import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the four demo regions with accounts, instrument sets and period 2026."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-scores",
            action="store_true",
            help="Periods without values (by default every sheet of a new period is filled).",
        )

    def handle(self, *args, **options) -> None:
        report = load_demo(scores=not options["no_scores"])
        load_demo_documents()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        for region, role, username in report.logins:
            self.stdout.write(f"  {region:<11} {role:<28} {username}")
        self.stdout.write(
            "  Every kecamatan has an operator: op-<region>-<kecamatan>; "
            "penilai-<region>-1…5 (Banggai …9: its stage 3 seats nine); "
            "penilai-lintas holds roles in bekasi and tegal."
        )
