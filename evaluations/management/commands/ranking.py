from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from evaluations.management.commands._period import add_period_arguments, period_in_scope
from evaluations.models import Period
from evaluations.presentation import STATUS_LABELS
from evaluations.selectors import ranking_for_period
from regions import formatting
from scoring.serialize import canonical_json
from scoring.structures import Ranking


class Command(BaseCommand):
    help = "Tampilkan peringkat periode (tabel, atau JSON dengan --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        add_period_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Keluaran JSON.")

    def handle(self, *args, **options) -> None:
        with period_in_scope(options["region"], options["period"]) as period:
            try:
                # The table and the JSON show no per-indicator trace: the lighter path.
                ranking = ranking_for_period(period=period, trace=False)
            except ValueError as error:
                raise CommandError(str(error)) from None
            if options["json"]:
                # Canonical JSON (scoring.serialize): the bytes a frozen result's hash covers.
                text = canonical_json(ranking, region=period.region.slug, period=period.slug)
                self.stdout.write(text)
            else:
                self.stdout.write(ranking_text(ranking, period=period))


def ranking_text(ranking: Ranking, *, period: Period) -> str:
    """The table for people: scores and predikat the Indonesian way (85,50)."""
    header = (
        _("Peringkat"),
        _("Kecamatan"),
        _("Nilai akhir"),
        _("Predikat"),
        _("Penghargaan"),
        _("Status"),
    )
    rows = [
        (
            "" if result.rank is None else str(result.rank),
            result.name,
            "" if result.published_score is None else formatting.score(result.published_score),
            result.predikat,
            result.award,
            str(STATUS_LABELS[result.status]),
        )
        for result in ranking.results
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    right = {0, 2}  # numbers line up on the right

    def line(row: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if index in right else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    lines = [f"{period.region.name} · {period.name}", "", line(header)]
    lines.append("  ".join("-" * width for width in widths))
    lines += [line(row) for row in rows]
    if ranking.warnings:
        lines += ["", _("Peringatan:")]
        lines += [f"- {warning.text}" for warning in ranking.warnings]
    return "\n".join(lines)
