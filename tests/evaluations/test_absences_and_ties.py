"""The whole team scores, and ties at an award wait for the Tim (issue 10, parts 1 and 3),
through the commands `member_absent` and `tie_decision`, the team page and the ranking page.

Every expected figure is computed by hand in the test's docstring, on the tiny set
(aspects A 60% and B 40%, a member's total = weighted sum, the kecamatan's score = the mean
of the members' totals, tie-break: the higher aspect A).
"""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_scopes import scope

from evaluations.models import MemberAbsence, Period, TieDecision
from evaluations.selectors import ranking_for_period
from evaluations.services import period_set_status, scores_import_rows
from scoring.structures import ResultStatus
from tests.instruments.builders import tiny_set

pytestmark = pytest.mark.django_db


def enter(period, values):
    """values: {(kecamatan, penilai): (A, B)}; None leaves that aspect empty."""
    rows = []
    for (kecamatan, penilai), scores in values.items():
        for aspect, score in zip("AB", scores, strict=True):
            if score is not None:
                rows.append(("T1", kecamatan, penilai, aspect, f"{aspect}1", score))
    with scope(region=period.region):
        scores_import_rows(period=period, rows=list(enumerate(rows, start=2)), by=None)


def result_of(period, name):
    with scope(region=period.region):
        ranking = ranking_for_period(period=period)
    return next(r for r in ranking.results if r.name == name), ranking


def absent(period, penilai, kecamatan, reason="Sakit", *extra):
    out = io.StringIO()
    call_command(
        "member_absent",
        "--region", period.region.slug, "--period", period.slug, "--stage", "T1",
        "--penilai", penilai, "--kecamatan", kecamatan, "--reason", reason, *extra,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


def decide(period, order, reason="Keputusan rapat pleno", *extra):
    out = io.StringIO()
    call_command(
        "tie_decision",
        "--region", period.region.slug, "--period", period.slug,
        "--order", order, "--reason", reason, *extra,
        stdout=out,
    )  # fmt: skip
    return out.getvalue()


@pytest.fixture
def three(make_period):
    """Three penilai on Jatiasih: penilai_bekasi (90, 70) → 90×60% + 70×40% = 82;
    penilai_lintas (80, 80) → 80; penilai-3 has entered nothing."""
    setup = make_period(kecamatan=("Jatiasih",), penilai=3)
    enter(setup.period, {("Jatiasih", "penilai_bekasi"): (90, 70)})
    enter(setup.period, {("Jatiasih", "penilai_lintas"): (80, 80)})
    return setup


def test_a_member_who_entered_nothing_leaves_the_kecamatan_incomplete(three):
    """JA (Perbup Banggai 49/2022 Pasal 10(3)): not (82 + 80) / 2 = 81 over the two who
    entered, but no stage score at all until penilai-3 scores or is recorded absent."""
    result, _ = result_of(three.period, "Jatiasih")
    assert result.status == ResultStatus.INCOMPLETE
    assert result.rank is None and result.published_score is None
    assert result.missing == (("T1", "penilai-3"),)


def test_a_recorded_absence_lets_the_others_score_and_undo_brings_the_wait_back(three):
    """Absent penilai-3 recorded: (82 + 80) / 2 = 81,00 over the members who took part."""
    said = absent(three.period, "penilai-3", "Jatiasih", "Sakit, surat dokter terlampir")
    assert "tidak hadir" in said and "Jatiasih" in said
    result, _ = result_of(three.period, "Jatiasih")
    assert result.status == ResultStatus.RANKED
    assert str(result.published_score) == "81.00"
    (stage,) = result.stages
    (absence,) = stage.absences
    assert (absence.assessor, absence.reason) == ("penilai-3", "Sakit, surat dokter terlampir")

    said = absent(three.period, "penilai-3", "jatiasih", "Salah catat: ia hadir", "--undo")
    assert "ditarik" in said
    result, _ = result_of(three.period, "Jatiasih")
    assert result.status == ResultStatus.INCOMPLETE
    with scope(region=three.region):
        rows = list(MemberAbsence.objects.filter(period=three.period).order_by("pk"))
    assert [(row.withdrawn, row.reason) for row in rows] == [
        (False, "Sakit, surat dokter terlampir"),
        (True, "Salah catat: ia hadir"),
    ]


def test_a_half_entered_sheet_is_not_counted_in_part(three):
    """penilai-3 enters A = 100 and leaves B empty: the sheet is incomplete, so the stage is
    not (82 + 80 + 100×60%) / 3 = 74 but waits for the sheet."""
    enter(three.period, {("Jatiasih", "penilai-3"): (100, None)})
    result, _ = result_of(three.period, "Jatiasih")
    assert result.status == ResultStatus.INCOMPLETE
    assert result.missing == (("T1", "penilai-3"),)


def test_a_conflict_of_interest_recorded_by_command_is_a_recusal_that_says_why(three):
    said = absent(
        three.period, "penilai-3", "Jatiasih", "Mantan Camat Jatiasih", "--kind", "conflict"
    )
    assert "mengundurkan diri" in said
    result, _ = result_of(three.period, "Jatiasih")
    (absence,) = result.stages[0].absences
    assert absence.kind == "recused"
    assert absence.reason == "Konflik kepentingan (dicatat Tapem): Mantan Camat Jatiasih"
    assert str(result.published_score) == "81.00"


def test_recused_is_recorded_as_such_and_named_on_the_breakdown(three, client, tenancy):
    absent(three.period, "penilai-3", "Jatiasih", "Mantan camat Jatiasih", "--kind", "recused")
    result, _ = result_of(three.period, "Jatiasih")
    assert result.stages[0].absences[0].kind == "recused"
    client.force_login(tenancy.users["tapem_bekasi"])
    page = client.get(
        reverse(
            "ranking_breakdown",
            kwargs={"region": "bekasi", "period": three.period.slug, "kecamatan": result.key},
        )
    ).content.decode()
    # The note gives the moment in the glossary's words, not as an ISO timestamp.
    assert "mengundurkan diri (Mantan camat Jatiasih; dicatat oleh sistem, " in page
    assert "WIB) dan tidak dihitung dalam rata-rata" in page


@pytest.mark.parametrize(
    ("penilai", "kecamatan", "expected"),
    [
        ("penilai-3", "Bekasi Utara", "tidak ditemukan"),  # not a kecamatan of the region
        ("tidak-ada", "Jatiasih", "tidak ditemukan"),
    ],
)
def test_absence_for_unknown_people_or_places_is_refused(three, penilai, kecamatan, expected):
    with pytest.raises(CommandError, match=expected):
        absent(three.period, penilai, kecamatan)
    with scope(region=three.region):
        assert not MemberAbsence.objects.exists()


def test_absence_for_a_member_not_seated_on_the_stage_is_refused(make_period, tenancy):
    setup = make_period(kecamatan=("Jatiasih",), penilai=1)
    with pytest.raises(CommandError, match="tidak duduk di tim tahap"):
        absent(setup.period, "penilai_lintas", "Jatiasih")
    with scope(region=setup.region):
        assert not MemberAbsence.objects.exists()


def test_absence_twice_and_undo_without_one_are_refused(three):
    absent(three.period, "penilai-3", "Jatiasih")
    with pytest.raises(CommandError, match="sudah tercatat"):
        absent(three.period, "penilai-3", "Jatiasih")
    with pytest.raises(CommandError, match="yang dapat ditarik"):
        absent(three.period, "penilai_lintas", "Jatiasih", "x", "--undo")


def test_nothing_is_recorded_in_a_closed_period(three):
    with scope(region=three.region):
        period_set_status(period=three.period, status=Period.Status.CLOSED, by=None)
    with pytest.raises(CommandError, match="tidak dapat dicatat"):
        absent(three.period, "penilai-3", "Jatiasih")
    with scope(region=three.region):
        assert not MemberAbsence.objects.exists()


def awards_set():
    """The tiny set with Terbaik I and Terbaik II, tie-break: the higher aspect A."""
    data = tiny_set()
    data["award_tiers"] = [
        {"rank": 1, "label": "Terbaik I", "prizes": "", "assumption": ""},
        {"rank": 2, "label": "Terbaik II", "prizes": "", "assumption": ""},
    ]
    return data


@pytest.fixture
def tied(make_period):
    """One penilai; Jatiasih and Bantargebang both (80, 70) → 80×60% + 70×40% = 76,00 and
    the same A = 80, so the tie-break leaves them tied for Terbaik I; Medan Satria (60, 60)
    → 60,00, third. Bekasi Lampiran I II.5: the Tim decides."""
    setup = make_period(
        awards_set(), kecamatan=("Bantargebang", "Jatiasih", "Medan Satria"), penilai=1
    )
    enter(
        setup.period,
        {
            ("Jatiasih", "penilai_bekasi"): (80, 70),
            ("Bantargebang", "penilai_bekasi"): (80, 70),
            ("Medan Satria", "penilai_bekasi"): (60, 60),
        },
    )
    return setup


def test_an_unbreakable_tie_at_an_award_withholds_it_until_the_tim_decides(tied, client, tenancy):
    jatiasih, ranking = result_of(tied.period, "Jatiasih")
    bantargebang, _ = result_of(tied.period, "Bantargebang")
    assert (jatiasih.rank, bantargebang.rank) == (1, 1)
    assert (jatiasih.award, bantargebang.award) == ("", "")  # never two Terbaik I
    assert ranking.has_undecided_tie

    client.force_login(tenancy.users["tapem_bekasi"])
    url = reverse("ranking", kwargs={"region": "bekasi", "period": tied.period.slug})
    page = client.get(url).content.decode()
    assert "Seri — diputuskan Tim" in page
    assert "Catat keputusan Tim" in page

    said = decide(tied.period, "Jatiasih,Bantargebang", "Inovasi lebih berdampak",
                  "--meeting", "Rapat Penetapan Pemenang, 25 Agustus 2026")  # fmt: skip
    assert "Jatiasih > Bantargebang" in said
    jatiasih, ranking = result_of(tied.period, "Jatiasih")
    bantargebang, _ = result_of(tied.period, "Bantargebang")
    assert (jatiasih.rank, jatiasih.award) == (1, "Terbaik I")
    assert (bantargebang.rank, bantargebang.award) == (2, "Terbaik II")
    assert not ranking.has_undecided_tie
    page = client.get(url).content.decode()
    assert "Keputusan yang berlaku" in page and "Inovasi lebih berdampak" in page


def test_a_decision_lapses_when_the_scores_it_decided_change(tied):
    """Decided on 76,00 each; both B become 75 → 80×60% + 75×40% = 78,00 each: still tied,
    but not on the scores the Tim saw, so the decision lapses and the award is withheld."""
    decide(tied.period, "Bantargebang,Jatiasih")
    enter(
        tied.period,
        {("Jatiasih", "penilai_bekasi"): (80, 75), ("Bantargebang", "penilai_bekasi"): (80, 75)},
    )
    jatiasih, ranking = result_of(tied.period, "Jatiasih")
    assert str(jatiasih.published_score) == "78.00"
    assert (jatiasih.rank, jatiasih.award) == (1, "")
    assert ranking.has_undecided_tie
    assert len(ranking.lapsed_tie_decisions) == 1
    assert any(w.code == "tie_decision_lapsed" for w in ranking.warnings)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("Jatiasih,Medan Satria", "tidak seri"),  # Medan Satria is not in the tie
        ("Jatiasih", "sedikitnya dua"),
        ("Jatiasih,Jatiasih", "sekali saja"),
        ("Jatiasih,Pondokgede", "tidak ditemukan"),
    ],
)
def test_a_decision_naming_others_than_the_tie_is_refused(tied, order, expected):
    with pytest.raises(CommandError, match=expected):
        decide(tied.period, order)
    with scope(region=tied.region):
        assert not TieDecision.objects.exists()


def test_a_decision_must_name_every_kecamatan_of_the_tie(make_period):
    """Three at 76,00 (A 80 each): a decision on two of them is refused."""
    setup = make_period(awards_set(), kecamatan=("Bantargebang", "Jatiasih", "Medan"), penilai=1)
    enter(
        setup.period,
        {(name, "penilai_bekasi"): (80, 70) for name in ("Jatiasih", "Bantargebang", "Medan")},
    )
    with pytest.raises(CommandError, match=r"meliputi .*semuanya"):
        decide(setup.period, "Jatiasih,Bantargebang")


def test_no_decision_in_a_closed_period(tied):
    with scope(region=tied.region):
        period_set_status(period=tied.period, status=Period.Status.CLOSED, by=None)
    with pytest.raises(CommandError, match="tidak dapat dicatat"):
        decide(tied.period, "Jatiasih,Bantargebang")


def test_tapem_records_and_withdraws_an_absence_on_the_team_page(three, client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    kwargs = {"region": "bekasi", "period": three.period.slug}
    page = client.get(reverse("period_team", kwargs=kwargs)).content.decode()
    assert "Catat ketidakhadiran" in page
    with scope(region=three.region):
        seat = three.period.team_members.get(user__username="penilai-3")
        jatiasih = three.period.participations.get().kecamatan
    empty = client.post(reverse("absence_add", kwargs=kwargs), {"seat": seat.pk})
    assert empty.status_code == 422
    assert "Bidang ini tidak boleh kosong." in empty.content.decode()

    response = client.post(
        reverse("absence_add", kwargs=kwargs),
        {"seat": seat.pk, "kecamatan": jatiasih.pk, "kind": "absent", "reason": "Dinas luar"},
    )
    assert response.status_code == 302
    page = client.get(reverse("period_team", kwargs=kwargs)).content.decode()
    assert "Dinas luar" in page
    result, _ = result_of(three.period, "Jatiasih")
    assert str(result.published_score) == "81.00"

    breakdown = client.get(
        reverse("ranking_breakdown", kwargs={**kwargs, "kecamatan": jatiasih.slug})
    ).content.decode()
    assert "Tidak ikut menilai" in breakdown and "Dinas luar" in breakdown

    with scope(region=three.region):
        row = MemberAbsence.objects.get()
    no_reason = client.post(reverse("absence_remove", kwargs={**kwargs, "absence": row.pk}), {})
    assert no_reason.status_code == 422
    done = client.post(
        reverse("absence_remove", kwargs={**kwargs, "absence": row.pk}), {"reason": "Hadir"}
    )
    assert done.status_code == 302
    result, _ = result_of(three.period, "Jatiasih")
    assert result.status == ResultStatus.INCOMPLETE


def test_the_ranking_page_declares_the_figure_that_decides(tied, client, tenancy):
    client.force_login(tenancy.users["pimpinan_bekasi"])
    page = client.get(
        reverse("ranking", kwargs={"region": "bekasi", "period": tied.period.slug})
    ).content.decode()
    assert "nilai akhir dua desimal yang diumumkan" in page
    assert "Catat keputusan Tim" not in page  # pimpinan read; Tapem records
