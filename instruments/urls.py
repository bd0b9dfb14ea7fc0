from django.urls import path

from instruments import views

urlpatterns = [
    path("", views.instrument_set_list, name="instrument_set_list"),
    path("<int:pk>/", views.instrument_set_detail, name="instrument_set_detail"),
]
