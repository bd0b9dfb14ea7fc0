from django.urls import path

from awards import views

# Under /<region>/ (Admin Tapem).
region_patterns = [
    path("periode/<slug:period>/penetapan/", views.result_freeze, name="result_freeze"),
]

# Public, without login: /publik/<daerah>/<period>/ (the kwarg is not `region`, so the
# region middleware does not ask for a membership; the views scope themselves).
public_patterns = [
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
