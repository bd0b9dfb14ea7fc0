from django.urls import path

from awards import views

# Under /<region>/ (Admin Tapem).
region_patterns = [
    path("pengaturan-dokumen/", views.document_settings_edit, name="document_settings"),
    path("pembinaan/", views.followup_list, name="followup_list"),
    path("periode/<slug:period>/penetapan/", views.result_freeze, name="result_freeze"),
    path("periode/<slug:period>/dokumen/", views.period_documents, name="period_documents"),
    path(
        "periode/<slug:period>/dokumen/<int:document>/unduh/",
        views.document_download,
        name="document_download",
    ),
]

# Public, without login: /publik/<daerah>/<period>/ (the kwarg is not `region`, so the
# region middleware does not ask for a membership; the views scope themselves).
public_patterns = [
    path("verifikasi/<slug:code>/", views.document_verify, name="document_verify"),
    path("<slug:daerah>/<slug:period>/", views.public_result, name="public_result"),
    path(
        "<slug:daerah>/<slug:period>/hasil.csv", views.public_result_csv, name="public_result_csv"
    ),
    path(
        "<slug:daerah>/<slug:period>/hasil.json",
        views.public_result_json,
        name="public_result_json",
    ),
]
