from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from awards import urls as award_urls
from config.accounts import LoginForm
from config.api import api
from evaluations import views as evaluation_views
from regions import views as region_views

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        region_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("token/", region_views.api_token_list, name="api_token_list"),
    path("token/<int:token_id>/cabut/", region_views.api_token_revoke, name="api_token_revoke"),
]

region_patterns = [
    path("", include("evaluations.urls")),
    path("instrumen/", include("instruments.urls")),
    path("pengguna/", include("regions.urls")),
    path("pemberitahuan/", region_views.notice_list, name="notice_list"),
    path("", include(award_urls.region_patterns)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("akun/", include(account_patterns)),
    path("api/", api.urls),
    path("publik/", include(award_urls.public_patterns)),
    path("", evaluation_views.home, name="home"),
    path("<slug:region>/", include(region_patterns)),
]
