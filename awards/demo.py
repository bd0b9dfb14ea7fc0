"""The demo's document settings per region (kop, place, which stages have a Berita Acara),
from `documents` in fixtures/<region>/region.json; names of heads are left for Tapem."""

import json

from awards.models import DocumentSettings
from evaluations.demo import FIXTURES
from regions.models import Region


def load_demo_documents() -> None:
    for path in sorted(FIXTURES.glob("*/region.json")):
        info = json.loads(path.read_text(encoding="utf-8"))
        options = info.get("documents")
        region = Region.objects.filter(slug=info["slug"]).first()
        if not options or region is None:
            continue
        DocumentSettings.objects.get_or_create(
            region=region,
            defaults={
                "kop_lines": "\n".join(options.get("kop_lines", [])),
                "address": options.get("address", ""),
                "place": options.get("place", ""),
                "penyerahan_stage": options.get("penyerahan_stage", ""),
                "pembobotan_stages": ",".join(options.get("pembobotan_stages", [])),
                "followup_predikat": ", ".join(options.get("followup_predikat", [])),
                "followup_months": options.get("followup_months", 3),
                "followup_pd": options.get("followup_pd", ""),
            },
        )
