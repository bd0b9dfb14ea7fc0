from django.urls import path

from regions import views

# Under /<region>/pengguna/: Admin Tapem manages the region's users.
urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("baru/", views.user_new, name="user_new"),
    path("<int:user_id>/", views.user_detail, name="user_detail"),
    path("<int:user_id>/ubah/", views.user_edit, name="user_edit"),
    path("<int:user_id>/status/", views.user_status, name="user_status"),
    path("<int:user_id>/kata-sandi/", views.user_password_reset, name="user_password_reset"),
]
