from django.urls import path

from evaluations import tablet_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kecamatan/", views.kecamatan_list, name="kecamatan_list"),
    path("kecamatan/<slug:kecamatan>/", views.kecamatan_detail, name="kecamatan_detail"),
    path("periode/baru/", views.period_new, name="period_new"),
    path("periode/<slug:period>/", views.period_detail, name="period_detail"),
    path("periode/<slug:period>/tim/", views.period_team, name="period_team"),
    path(
        "periode/<slug:period>/tim/<int:stage>/susunan/",
        views.period_team_stage,
        name="period_team_stage",
    ),
    path(
        "periode/<slug:period>/tim/<int:stage>/penugasan/",
        views.period_team_assignments,
        name="period_team_assignments",
    ),
    path("periode/<slug:period>/tim/ketidakhadiran/", views.absence_add, name="absence_add"),
    path(
        "periode/<slug:period>/tim/ketidakhadiran/<int:absence>/tarik/",
        views.absence_remove,
        name="absence_remove",
    ),
    path("periode/<slug:period>/status/", views.period_status, name="period_status"),
    path("periode/<slug:period>/peserta/", views.period_participants, name="period_participants"),
    path(
        "periode/<slug:period>/peserta/<slug:kecamatan>/",
        views.participant_update,
        name="participant_update",
    ),
    path("periode/<slug:period>/peringkat/", views.ranking, name="ranking"),
    path(
        "periode/<slug:period>/peringkat/keputusan-seri/",
        views.tie_decision_add,
        name="tie_decision_add",
    ),
    path("periode/<slug:period>/lembar/", views.sheet_list, name="sheet_list"),
    path("periode/<slug:period>/lembar/<int:sheet>/", views.sheet_edit, name="sheet_edit"),
    path(
        "periode/<slug:period>/lembar/<int:sheet>/salin-periode-sebelumnya/",
        views.sheet_copy_previous_view,
        name="sheet_copy_previous",
    ),
    path("periode/<slug:period>/verifikasi/", views.verification_queue, name="verification_queue"),
    path("periode/<slug:period>/verifikasi/serahkan/", views.handover_add, name="handover_add"),
    path("periode/<slug:period>/batas-waktu/", views.period_deadlines, name="period_deadlines"),
    path("periode/<slug:period>/verifikasi/<int:sheet>/", views.sheet_review, name="sheet_review"),
    path(
        "periode/<slug:period>/verifikasi/<int:sheet>/indikator/<int:indicator>/",
        views.sheet_review_mark,
        name="sheet_review_mark",
    ),
    path(
        "periode/<slug:period>/verifikasi/<int:sheet>/tidak-dinilai/",
        views.sheet_disqualify_confirm,
        name="sheet_disqualify",
    ),
    path(
        "periode/<slug:period>/verifikasi/<int:sheet>/tidak-dinilai/tolak/",
        views.proposal_dismiss_view,
        name="proposal_dismiss",
    ),
    path(
        "periode/<slug:period>/lembar/<int:sheet>/buka-kembali/",
        tablet_views.sheet_reopen_view,
        name="sheet_reopen",
    ),
    # The Tim penilai on tablets (issue 12): their sheets, the scoring screen, its worker.
    path("periode/<slug:period>/penilaian/", tablet_views.tablet_sheets, name="tablet_sheets"),
    path(
        "periode/<slug:period>/penilaian/sw.js",
        tablet_views.tablet_service_worker,
        name="tablet_service_worker",
    ),
    path(
        "periode/<slug:period>/penilaian/<int:sheet>/",
        tablet_views.tablet_sheet,
        name="tablet_sheet",
    ),
    path(
        "periode/<slug:period>/penilaian/<int:sheet>/konflik/",
        tablet_views.tablet_conflict_declare,
        name="tablet_conflict_declare",
    ),
    path("periode/<slug:period>/papan/", tablet_views.tablet_board, name="tablet_board"),
    path(
        "periode/<slug:period>/papan/impor-tablet/",
        tablet_views.tablet_outbox_import,
        name="tablet_outbox_import",
    ),
    path(
        "periode/<slug:period>/papan/isi/", tablet_views.tablet_board_rows, name="tablet_board_rows"
    ),
    path("periode/<slug:period>/nilai/templat.xlsx", views.score_template, name="score_template"),
    path(
        "periode/<slug:period>/nilai/templat-saya.xlsx",
        views.score_template_own,
        name="score_template_own",
    ),
    path("periode/<slug:period>/nilai/unggah/", views.score_upload, name="score_upload"),
    path(
        "periode/<slug:period>/peringkat/<slug:kecamatan>/",
        views.ranking_breakdown,
        name="ranking_breakdown",
    ),
]
