"""Admin Tapem manages the region's users in the browser, without Django admin: creates,
edits, deactivates, reactivates and resets passwords; bad input loses nothing."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_scopes import scope, scopes_disabled

from regions.models import Membership, Profile, Transition
from regions.services import membership_grant

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def tapem(client, tenancy):
    client.force_login(tenancy.users["tapem_bekasi"])
    return client


def _url(tenancy, name, suffix="", region="bekasi"):
    return f"/{region}/pengguna/{tenancy.users[name].pk}/{suffix}"


def _log_in(username, password):
    """A fresh browser logging in through the form (django-axes wants the request)."""
    client = Client()
    response = client.post("/akun/login/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()
    return client


def _temporary_password(response):
    match = re.search(r'<code class="temporary-password">([^<]+)</code>', response.content.decode())
    assert match, "the page shows the temporary password"
    return match.group(1)


NEW_OPERATOR = {
    "username": "op-jatiasih",
    "role": "operator",
    "kecamatan": "",  # set per test: the pk of Jatiasih
    "full_name": "Dewi Lestari, S.E.",
    "nip": "19930415 201801 2 001",
    "jabatan": "Kasi Pemerintahan Kecamatan Jatiasih",
    "pangkat": "III/a",
    "instansi": "Kecamatan Jatiasih",
}


def _new_operator(tenancy, **changes):
    data = dict(NEW_OPERATOR, kecamatan=str(tenancy.jatiasih.pk))
    data.update(changes)
    return data


# ---------------------------------------------------------------------------- create


def test_tapem_creates_an_operator_who_must_choose_a_password_at_first_login(tapem, tenancy):
    response = tapem.post("/bekasi/pengguna/baru/", _new_operator(tenancy))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Pengguna dibuat" in page and "op-jatiasih" in page
    password = _temporary_password(response)

    user = User.objects.get(username="op-jatiasih")
    assert user.check_password(password)
    assert (user.profile.full_name, user.profile.nip, user.profile.pangkat) == (
        "Dewi Lestari, S.E.",
        "199304152018012001",
        "III/a",
    )
    assert user.profile.password_status == Profile.PasswordStatus.TEMPORARY
    assert user.has_perm("regions.fill_self_assessment", tenancy.jatiasih)
    assert not user.has_perm("regions.fill_self_assessment", tenancy.bantargebang)

    detail = tapem.get(f"/bekasi/pengguna/{user.pk}/").content.decode()
    assert "19930415 201801 2 001" in detail and "Penata Muda (III/a)" in detail
    assert "Kata sandi sementara dibuat" in detail and "Akun baru." in detail
    assert "Dr. Siti Aminah, M.Si. · Kepala Bagian Tata Pemerintahan" in detail  # who

    newcomer = _log_in("op-jatiasih", password)
    assert newcomer.get("/bekasi/")["Location"] == "/akun/password/"


def test_tapem_creates_an_academic_penilai_without_nip(tapem, tenancy):
    response = tapem.post(
        "/bekasi/pengguna/baru/",
        _new_operator(
            tenancy,
            username="dosen-unisma",
            role="penilai",
            full_name="Dr. Rahmat Hidayat, M.Si.",
            nip="",
            pangkat="",
            jabatan="Dosen Universitas Islam 45 Bekasi",
        ),
    )
    assert response.status_code == 200
    user = User.objects.get(username="dosen-unisma")
    assert user.profile.nip == ""
    with scopes_disabled():
        membership = Membership.objects.get(user=user)
    assert (membership.role, membership.kecamatan) == ("penilai", None)  # the kecamatan ignored
    assert user.has_perm("regions.score_region", tenancy.bekasi)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nip": "19850317 201001 1 00"}, "NIP terdiri dari 18 angka; yang diisi 17 angka."),
        ({"nip": "19850317 2010O1 1 003"}, "NIP hanya boleh berisi angka (spasi boleh)."),
        ({"nip": "19850230 201001 1 003"}, "harus tanggal lahir yang mungkin"),
        ({"nip": "19850317 201013 1 003"}, "harus bulan TMT CPNS yang mungkin"),
        ({"nip": "19850317 201001 3 003"}, "menunjukkan jenis kelamin"),
        ({"nip": "19850317 201001 2 003"}, "NIP ini sudah terdaftar untuk pengguna lain."),
        ({"username": "tapem_bekasi"}, "Nama pengguna ini sudah dipakai."),
        ({"username": "Op Jatiasih"}, "Nama pengguna hanya boleh berisi huruf kecil"),
        ({"kecamatan": ""}, "Pilih kecamatan yang diisi operator ini."),
        ({"role": "admin_tapem"}, "Pilih operator kecamatan, penilai atau pimpinan."),
        ({"pangkat": "V/a"}, "Pilih pangkat/golongan dari daftar."),
        ({"jabatan": ""}, "Tuliskan jabatannya."),
    ],
)
def test_bad_input_is_refused_in_indonesian_keeps_what_was_typed_and_stores_nothing(
    tapem, tenancy, changes, message
):
    users_before = User.objects.count()
    response = tapem.post("/bekasi/pengguna/baru/", _new_operator(tenancy, **changes))
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert 'value="Dewi Lestari, S.E."' in page
    assert 'value="Kasi Pemerintahan Kecamatan Jatiasih"' in page or "jabatan" in changes
    if "nip" in changes:
        assert f'value="{changes["nip"]}"' in page  # as typed, spaces and all
    assert User.objects.count() == users_before
    assert not Profile.objects.filter(full_name="Dewi Lestari, S.E.").exists()


def test_a_kecamatan_of_another_region_is_not_offered(tapem, tenancy):
    page = tapem.get("/bekasi/pengguna/baru/").content.decode()
    assert "Jatiasih" in page and "Slawi" not in page
    response = tapem.post(
        "/bekasi/pengguna/baru/", _new_operator(tenancy, kecamatan=str(tenancy.slawi.pk))
    )
    assert response.status_code == 422
    assert "Pilih kecamatan dari daftar." in response.content.decode()


# ---------------------------------------------------------------------------- list and edit


def test_the_list_names_people_with_jabatan_role_kecamatan_and_status(tapem, tenancy):
    page = tapem.get("/bekasi/pengguna/").content.decode()
    for text in (
        "Rudi Hartono, S.Kom.",
        "Kasi Pemerintahan Kecamatan Bantargebang",
        "Operator kecamatan",
        "Bantargebang",
        "Prof. Dr. Budi Prasetyo, M.A.",
        "Aktif",
    ):
        assert text in page
    assert "operator_bantargebang" not in page and "penilai_lintas" not in page
    assert "Agus Setiawan" not in page  # Tegal's operator

    penilai = tapem.get("/bekasi/pengguna/?peran=penilai").content.decode()
    assert "Ir. Bambang Sutrisno, M.T." in penilai and "Prof. Dr. Budi Prasetyo" in penilai
    assert "Rudi Hartono" not in penilai
    unknown_role = tapem.get("/bekasi/pengguna/?peran=bupati").content.decode()
    assert "Rudi Hartono" in unknown_role  # an unknown filter shows everyone


def test_the_dashboard_links_to_the_users_page(tapem):
    assert 'href="/bekasi/pengguna/"' in tapem.get("/bekasi/").content.decode()


def test_tapem_edits_details_and_moves_an_operator(tapem, tenancy):
    operator = tenancy.users["operator_bantargebang"]
    response = tapem.post(
        _url(tenancy, "operator_bantargebang", "ubah/"),
        {
            "full_name": "Rudi Hartono, S.Kom., M.M.",
            "nip": "199002142015031001",
            "jabatan": "Sekretaris Kecamatan Jatiasih",
            "pangkat": "III/c",
            "instansi": "Kecamatan Jatiasih",
            "kecamatan": str(tenancy.jatiasih.pk),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == _url(tenancy, "operator_bantargebang")
    operator = User.objects.get(pk=operator.pk)
    assert operator.profile.jabatan == "Sekretaris Kecamatan Jatiasih"
    assert operator.has_perm("regions.fill_self_assessment", tenancy.jatiasih)
    assert not operator.has_perm("regions.fill_self_assessment", tenancy.bantargebang)
    page = tapem.get(_url(tenancy, "operator_bantargebang")).content.decode()
    assert "Data Rudi Hartono, M.M. disimpan." in page


def test_a_bad_edit_keeps_what_was_typed_and_changes_nothing(tapem, tenancy):
    response = tapem.post(
        _url(tenancy, "penilai_bekasi", "ubah/"),
        {"full_name": "Ir. Bambang Sutrisno, M.T., Ph.D.", "nip": "1971 0810", "jabatan": "X"},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "NIP terdiri dari 18 angka" in page
    assert 'value="Ir. Bambang Sutrisno, M.T., Ph.D."' in page and 'value="1971 0810"' in page
    profile = Profile.objects.get(user=tenancy.users["penilai_bekasi"])
    assert (profile.full_name, profile.nip) == ("Ir. Bambang Sutrisno, M.T.", "197108101998031004")


def test_the_edit_form_starts_from_the_stored_facts(tapem, tenancy):
    page = tapem.get(_url(tenancy, "penilai_lintas", "ubah/")).content.decode()
    assert 'value="Prof. Dr. Budi Prasetyo, S.IP., M.A."' in page
    assert 'name="kecamatan"' not in page  # a penilai has no kecamatan


# ---------------------------------------------------------------------------- deactivate


def test_deactivation_shuts_bekasi_only_and_reactivation_opens_it_again(tapem, tenancy, login):
    url = _url(tenancy, "penilai_lintas", "status/")
    response = tapem.post(url, {"reason": "Kontrak sebagai tenaga ahli berakhir"})
    assert response.status_code == 302
    page = tapem.get(response["Location"]).content.decode()
    assert "Prof. Dr. Budi Prasetyo, M.A. dinonaktifkan di Kota Bekasi." in page
    assert "Nonaktif" in page and "Dinonaktifkan sebagai Penilai" in page
    assert "Kontrak sebagai tenaga ahli berakhir" in page
    # Still listed, so Tapem can find and reactivate them.
    assert "Prof. Dr. Budi Prasetyo" in tapem.get("/bekasi/pengguna/").content.decode()

    lintas = Client()
    lintas.force_login(tenancy.users["penilai_lintas"])
    assert lintas.get("/bekasi/").status_code == 404
    assert lintas.get("/tegal/").status_code == 200

    assert tapem.post(url, {"reason": ""}).status_code == 302  # reactivating: reason optional
    assert lintas.get("/bekasi/").status_code == 200
    page = tapem.get(_url(tenancy, "penilai_lintas")).content.decode()
    assert "Diaktifkan kembali sebagai Penilai" in page
    with scope(region=tenancy.bekasi):
        assert Transition.objects.filter(field="status").count() == 2
    with scope(region=tenancy.tegal):
        assert not Transition.objects.exists()  # Tegal's history is untouched


def test_deactivation_without_a_reason_is_refused_and_changes_nothing(tapem, tenancy):
    response = tapem.post(_url(tenancy, "penilai_bekasi", "status/"), {"reason": "  "})
    assert response.status_code == 422
    assert "Tuliskan alasan penonaktifan" in response.content.decode()
    with scopes_disabled():
        membership = Membership.objects.get(user=tenancy.users["penilai_bekasi"])
        assert membership.status == Membership.Status.ACTIVE
        assert not Transition.objects.exists()


@pytest.mark.parametrize("target", ["tapem_bekasi", "tapem_bekasi_2"])
def test_tapem_cannot_deactivate_themselves_or_another_tapem(tapem, tenancy, target):
    other = User.objects.create(username="tapem_bekasi_2")
    with scopes_disabled():
        membership_grant(user=other, region=tenancy.bekasi, role="admin_tapem")
    tenancy.users["tapem_bekasi_2"] = other
    assert tapem.post(_url(tenancy, target, "status/"), {"reason": "x"}).status_code == 403
    assert tapem.post(_url(tenancy, target, "kata-sandi/")).status_code == 403
    page = tapem.get(_url(tenancy, target)).content.decode()
    assert "Nonaktifkan pengguna" not in page and "Buat kata sandi sementara" not in page
    with scopes_disabled():
        assert not Membership.objects.exclude(status=Membership.Status.ACTIVE).exists()


# ---------------------------------------------------------------------------- password reset


def test_reset_forces_a_new_password_before_any_other_page(tapem, tenancy):
    penilai = tenancy.users["penilai_bekasi"]
    old_session = Client()
    old_session.force_login(penilai)

    response = tapem.post(_url(tenancy, "penilai_bekasi", "kata-sandi/"), {"reason": "Lupa"})
    assert response.status_code == 200 and "Kata sandi direset" in response.content.decode()
    password = _temporary_password(response)
    # The old session ended with the old password.
    assert old_session.get("/bekasi/")["Location"].startswith("/akun/login/")

    client = _log_in("penilai_bekasi", password)
    for path in ("/", "/bekasi/", "/bekasi/kecamatan/", "/tegal/", "/admin/", "/bekasi/pengguna/"):
        response = client.get(path)
        assert (response.status_code, response["Location"]) == (302, "/akun/password/"), path
    page = client.get("/akun/password/").content.decode()
    assert "Kata sandi Anda masih sementara" in page

    same = {"old_password": password, "new_password1": password, "new_password2": password}
    assert "harus berbeda" in client.post("/akun/password/", same).content.decode()
    response = client.post(
        "/akun/password/",
        {
            "old_password": password,
            "new_password1": "Bambang-baru-2026",
            "new_password2": "Bambang-baru-2026",
        },
    )
    assert response["Location"] == "/akun/password/done/"
    assert client.get("/akun/password/done/").status_code == 200
    assert client.get("/bekasi/").status_code == 200
    assert client.get("/").status_code == 302 and client.get("/")["Location"] == "/bekasi/"

    page = tapem.get(_url(tenancy, "penilai_bekasi")).content.decode()
    assert "Kata sandi sementara dibuat" in page and "Lupa" in page
    assert "Kata sandi baru dibuat oleh pemiliknya" in page
    assert Profile.objects.get(user=penilai).password_status == Profile.PasswordStatus.SET


def test_logout_stays_reachable_with_a_temporary_password(tapem, tenancy):
    password = _temporary_password(tapem.post(_url(tenancy, "pimpinan_bekasi", "kata-sandi/")))
    client = _log_in("pimpinan_bekasi", password)
    assert client.post("/akun/logout/").status_code == 302
    assert client.get("/bekasi/")["Location"].startswith("/akun/login/")


def test_reset_lifts_a_login_lockout(tapem, tenancy, settings, django_capture_on_commit_callbacks):
    locked = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        locked.post("/akun/login/", {"username": "operator_bantargebang", "password": "salah"})
    with django_capture_on_commit_callbacks(execute=True):
        response = tapem.post(_url(tenancy, "operator_bantargebang", "kata-sandi/"))
    password = _temporary_password(response)
    response = locked.post(
        "/akun/login/", {"username": "operator_bantargebang", "password": password}
    )
    assert response.status_code == 302


def test_a_user_with_roles_in_another_region_keeps_their_password(tapem, tenancy):
    assert tapem.post(_url(tenancy, "penilai_lintas", "kata-sandi/")).status_code == 403
    page = tapem.get(_url(tenancy, "penilai_lintas")).content.decode()
    assert "juga berperan di pemerintah daerah lain" in page
    assert tenancy.users["penilai_lintas"].check_password("rahasia-uji")


# ---------------------------------------------------------------------------- who may


PAGES = [
    ("get", "/bekasi/pengguna/"),
    ("get", "/bekasi/pengguna/baru/"),
    ("post", "/bekasi/pengguna/baru/"),
    ("get", "{user}/"),
    ("get", "{user}/ubah/"),
    ("post", "{user}/ubah/"),
    ("post", "{user}/status/"),
    ("post", "{user}/kata-sandi/"),
]


def _request(client, method, path, tenancy, target):
    path = path.format(user=f"/bekasi/pengguna/{tenancy.users[target].pk}")
    return getattr(client, method)(path, {"reason": "x"} if method == "post" else None)


@pytest.mark.parametrize(("method", "path"), PAGES)
@pytest.mark.parametrize("role", ["operator_bantargebang", "penilai_bekasi", "pimpinan_bekasi"])
def test_other_roles_of_the_region_are_refused(client, tenancy, role, method, path):
    client.force_login(tenancy.users[role])
    assert _request(client, method, path, tenancy, "penilai_bekasi").status_code == 403


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_tapem_of_another_region_does_not_see_bekasi(client, tenancy, method, path):
    client.force_login(tenancy.users["tapem_tegal"])
    assert _request(client, method, path, tenancy, "penilai_bekasi").status_code == 404


@pytest.mark.parametrize(("method", "path"), [p for p in PAGES if "{user}" in p[1]])
def test_a_user_of_another_region_is_not_found(tapem, tenancy, method, path):
    assert _request(tapem, method, path, tenancy, "operator_slawi").status_code == 404
    assert _request(tapem, method, path, tenancy, "tanpa_peran").status_code == 404


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/bekasi/pengguna/", 200),
        ("get", "/bekasi/pengguna/baru/", 200),
        ("get", "{user}/", 200),
        ("get", "{user}/ubah/", 200),
        ("get", "{user}/status/", 405),
        ("get", "{user}/kata-sandi/", 405),
    ],
)
def test_tapem_reaches_every_page(tapem, tenancy, method, path, status):
    assert _request(tapem, method, path, tenancy, "penilai_bekasi").status_code == status


def test_an_outsider_is_sent_to_the_login(client, tenancy):
    response = client.get("/bekasi/pengguna/")
    assert response.status_code == 302 and response["Location"].startswith("/akun/login/")


def test_a_tapem_of_another_region_seated_here_is_left_to_the_superuser(tapem, tenancy):
    # Tegal's Admin Tapem also sits on Bekasi's panel: Bekasi may deactivate that seat, but
    # not change their details or password (that would reach into Tegal).
    with scopes_disabled():
        membership_grant(user=tenancy.users["tapem_tegal"], region=tenancy.bekasi, role="penilai")
    assert tapem.get(_url(tenancy, "tapem_tegal")).status_code == 200
    assert tapem.get(_url(tenancy, "tapem_tegal", "ubah/")).status_code == 403
    assert tapem.post(_url(tenancy, "tapem_tegal", "kata-sandi/")).status_code == 403
    response = tapem.post(_url(tenancy, "tapem_tegal", "status/"), {"reason": "Selesai"})
    assert response.status_code == 302
    tegal = Client()
    tegal.force_login(tenancy.users["tapem_tegal"])
    assert tegal.get("/bekasi/").status_code == 404 and tegal.get("/tegal/").status_code == 200


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_and_the_history_cost_the_same_queries_for_one_or_many(tapem, tenancy):
    _queries(tapem, _url(tenancy, "penilai_bekasi"))  # content types cached from here on
    list_before = _queries(tapem, "/bekasi/pengguna/")
    detail_before = _queries(tapem, _url(tenancy, "penilai_bekasi"))
    for n in range(3):
        tapem.post(
            "/bekasi/pengguna/baru/",
            _new_operator(tenancy, username=f"op-{n}", nip="", full_name=f"Operator {n}"),
        )
    for reason in ("Cuti", ""):
        tapem.post(_url(tenancy, "penilai_bekasi", "status/"), {"reason": reason})
    tapem.post(_url(tenancy, "penilai_bekasi", "kata-sandi/"))
    assert _queries(tapem, "/bekasi/pengguna/") == list_before
    assert _queries(tapem, _url(tenancy, "penilai_bekasi")) == detail_before
