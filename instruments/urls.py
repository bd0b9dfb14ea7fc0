from django.urls import path, register_converter

from instruments import selectors, views


class PartKindConverter:
    """The kinds of part edited one by one: tahap, aspek, indikator, pilihan, …"""

    regex = "|".join(selectors.PART_MODELS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PartKindConverter, "part_kind")

urlpatterns = [
    path("", views.instrument_set_list, name="instrument_set_list"),
    path("unggah/", views.instrument_set_upload, name="instrument_set_upload"),
    path("<int:pk>/", views.instrument_set_detail, name="instrument_set_detail"),
    path("<int:pk>/unduh/", views.instrument_set_download, name="instrument_set_download"),
    path("<int:pk>/bandingkan/", views.instrument_set_compare, name="instrument_set_compare"),
    path("<int:pk>/ubah/", views.instrument_set_edit, name="instrument_set_edit"),
    path("<int:pk>/versi-baru/", views.instrument_set_clone, name="instrument_set_clone"),
    # Adding a part: to the set itself, or under its parent (aspect under a stage, …).
    path("<int:pk>/tahap/tambah/", views.part_add, {"kind": "tahap"}, name="stage_add"),
    path(
        "<int:pk>/tahap/<int:parent>/aspek/tambah/",
        views.part_add,
        {"kind": "aspek"},
        name="aspect_add",
    ),
    path(
        "<int:pk>/aspek/<int:parent>/indikator/tambah/",
        views.part_add,
        {"kind": "indikator"},
        name="indicator_add",
    ),
    path(
        "<int:pk>/indikator/<int:parent>/pilihan/tambah/",
        views.part_add,
        {"kind": "pilihan"},
        name="option_add",
    ),
    path("<int:pk>/predikat/tambah/", views.part_add, {"kind": "predikat"}, name="band_add"),
    path("<int:pk>/seri/tambah/", views.part_add, {"kind": "seri"}, name="tie_break_add"),
    path("<int:pk>/penghargaan/tambah/", views.part_add, {"kind": "penghargaan"}, name="award_add"),
    path("<int:pk>/<part_kind:kind>/<int:part>/ubah/", views.part_edit, name="part_edit"),
    path("<int:pk>/<part_kind:kind>/<int:part>/hapus/", views.part_delete, name="part_delete"),
]
