from django.urls import path

from evaluations import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("kecamatan/", views.kecamatan_list, name="kecamatan_list"),
    path("kecamatan/<slug:kecamatan>/", views.kecamatan_detail, name="kecamatan_detail"),
]
