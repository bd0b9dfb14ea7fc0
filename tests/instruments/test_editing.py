"""Admin Tapem edits a draft instrument set in the app: the header, every part, a new
version, the workbook; a frozen set refuses every change and offers a new version."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scopes_disabled

from instruments.models import Aspect, AwardTier, Indicator, InstrumentSet, Stage
from instruments.services import (
    instrument_set_freeze,
    instrument_set_import_data,
    instrument_set_to_data,
)
from instruments.workbook import XLSX_CONTENT_TYPE
from tests.instruments.builders import bigger_set, tiny_set
from tests.instruments.workbooks import exported, with_cell


@pytest.fixture
def draft(tenancy):
    with scopes_disabled():
        return instrument_set_import_data(region=tenancy.bekasi, data=tiny_set())


@pytest.fixture
def tapem(login, tenancy):
    return login(tenancy.users["tapem_bekasi"])


def url(instrument_set, tail=""):
    return f"/bekasi/instrumen/{instrument_set.pk}/{tail}"


def data_of(instrument_set):
    with scopes_disabled():
        return instrument_set_to_data(InstrumentSet.objects.get(pk=instrument_set.pk))


def part(model, **lookup):
    with scopes_disabled():
        return model.objects.get(**lookup)


STAGE_POST = {
    "order": "2",
    "code": "T2",
    "name": "Verifikasi lapangan",
    "scorer_label": "Tim Verifikasi",
    "member_combine": "mean_of_member_totals",
    "aspect_combine": "sum",
    "weight": "",
    "max_score": "100",
    "shortlist_size": "5",
    "min_team_size": "3",
    "deadline_note": "",
    "assumption": "",
}


# ------------------------------------------------------------------------------ edit


def test_tapem_edits_the_legal_basis(tapem, draft):
    form = tapem.get(url(draft, "ubah/")).content.decode()
    assert 'value="Nomor 1 Tahun 2026"' in form
    response = tapem.post(
        url(draft, "ubah/"),
        {
            **{k: v for k, v in tiny_set().items() if isinstance(v, str)},
            "legal_number": "Peraturan Wali Kota Nomor 7 Tahun 2026",
            "legal_date": "2026-03-01",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(draft)
    data = data_of(draft)
    assert data["legal_number"] == "Peraturan Wali Kota Nomor 7 Tahun 2026"
    assert data["legal_date"] == "2026-03-01"
    assert data["code"] == "uji" and data["version"] == 1  # not editable
    page = tapem.get(url(draft)).content.decode()
    assert "Dasar hukum dan pengaturan set disimpan." in page


def test_tapem_adds_a_stage_with_an_indonesian_decimal(tapem, draft):
    form = tapem.get(url(draft, "tahap/tambah/")).content.decode()
    assert 'name="order" value="2"' in form  # the next order is proposed
    response = tapem.post(url(draft, "tahap/tambah/"), {**STAGE_POST, "max_score": "87,5"})
    stage = part(Stage, instrument_set=draft, code="T2")
    assert response["Location"] == url(draft) + f"#stage-{stage.pk}"
    assert (stage.name, stage.max_score, stage.shortlist_size) == ("Verifikasi lapangan", 87.5, 5)


def test_tapem_adds_an_aspect_an_indicator_and_its_options(tapem, draft):
    stage = part(Stage, instrument_set=draft, code="T1")
    tapem.post(
        url(draft, f"tahap/{stage.pk}/aspek/tambah/"),
        {"order": "3", "code": "C", "name": "Inovasi", "weight": "", "max_score": "4",
         "indicator_combine": "sum", "counts_toward_total": "on", "assumption": ""},
    )  # fmt: skip
    aspect = part(Aspect, stage=stage, code="C")
    tapem.post(
        url(draft, f"aspek/{aspect.pk}/indikator/tambah/"),
        {"order": "1", "code": "C1", "text": "Ada inovasi pelayanan?", "kind": "yes_no",
         "entered_by": "kecamatan", "min_value": "0", "max_value": "4", "weight": "",
         "params": "{}", "evidence_note": "", "assumption": ""},
    )  # fmt: skip
    indicator = part(Indicator, aspect=aspect, code="C1")
    for code, score in (("ya", "4"), ("tidak", "0")):
        tapem.post(
            url(draft, f"indikator/{indicator.pk}/pilihan/tambah/"),
            {"order": "1", "code": code, "label": code.title(), "score": score, "assumption": ""},
        )
    options = data_of(draft)["stages"][0]["aspects"][2]["indicators"][0]["options"]
    assert [(o["code"], o["score"]) for o in options] == [("ya", "4"), ("tidak", "0")]
    page = tapem.get(url(draft)).content.decode()
    assert "Ada inovasi pelayanan?" in page and "Ya — <strong>4</strong>" in page


def test_tapem_edits_an_indicator(tapem, draft):
    indicator = part(Indicator, aspect__stage__instrument_set=draft, code="A1")
    data = {**tiny_set()["stages"][0]["aspects"][0]["indicators"][0]}
    data = {k: ("" if v is None else v) for k, v in data.items() if k != "options"}
    data.update(text="Nilai pelayanan publik", max_value="10", params="{}")
    del data["integer_only"], data["evidence_required"]  # unchecked boxes are not posted
    response = tapem.post(url(draft, f"indikator/{indicator.pk}/ubah/"), data)
    assert response.status_code == 302
    indicator = part(Indicator, pk=indicator.pk)
    assert (indicator.text, indicator.max_value) == ("Nilai pelayanan publik", 10)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"max_score": "seratus"}, "max_score", "Masukkan sebuah bilangan."),
        ({"max_score": "1.000,5"}, "max_score", "Gunakan satu tanda desimal saja"),
        ({"code": "T1"}, "code", "Kode T1 sudah dipakai oleh tahap lain."),
        ({"code": "T 2"}, "code", "Kode hanya boleh berisi huruf"),
        ({"name": ""}, "name", "Bidang ini tidak boleh kosong."),
        ({"member_combine": "median"}, "member_combine", "Masukkan pilihan yang valid."),
        ({"scorer_label": "=1+1"}, "scorer_label", "tidak boleh diawali tanda ="),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(tapem, draft, changes, field, message):
    before = data_of(draft)
    response = tapem.post(url(draft, "tahap/tambah/"), {**STAGE_POST, **changes})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Belum tersimpan" in page
    assert message in str(response.context["form"].errors[field])
    assert data_of(draft) == before


def test_indicator_range_and_json_parameters_are_checked(tapem, draft):
    aspect = part(Aspect, stage__instrument_set=draft, code="A")
    response = tapem.post(
        url(draft, f"aspek/{aspect.pk}/indikator/tambah/"),
        {"order": "2", "code": "A2", "text": "Capaian", "kind": "capaian", "entered_by": "team",
         "min_value": "100", "max_value": "0", "weight": "", "params": "[1, 2]",
         "evidence_note": "", "assumption": ""},
    )  # fmt: skip
    errors = response.context["form"].errors
    assert "Nilai maksimal harus sama dengan atau di atas nilai minimal." in errors["max_value"]
    assert "Parameter rumus harus berupa objek JSON, misalnya {}." in errors["params"]
    with scopes_disabled():
        assert not Indicator.objects.filter(code="A2").exists()


def test_tie_break_rule_must_name_an_aspect_of_its_stage(tapem, tenancy):
    with scopes_disabled():
        instrument_set = instrument_set_import_data(
            region=tenancy.bekasi, data=bigger_set(stages=2, aspects=1, indicators=1)
        )
        t1 = Stage.objects.get(instrument_set=instrument_set, code="T1")
        t2_k1 = Aspect.objects.get(stage__instrument_set=instrument_set, stage__code="T2")
    response = tapem.post(
        url(instrument_set, "seri/tambah/"),
        {"order": "2", "stage": t1.pk, "aspect": t2_k1.pk, "indicator": "",
         "higher_wins": "on", "description": "", "assumption": ""},
    )  # fmt: skip
    assert response.context["form"].errors["aspect"] == [
        "Aspek ini bukan bagian dari tahap yang dipilih."
    ]


def test_award_rank_is_unique(tapem, draft):
    response = tapem.post(
        url(draft, "penghargaan/tambah/"),
        {"rank": "1", "label": "Juara", "prizes": "", "assumption": ""},
    )
    assert "Peringkat 1 sudah dipakai" in str(response.context["form"].errors["rank"])
    tapem.post(
        url(draft, "penghargaan/tambah/"),
        {"rank": "2", "label": "Harapan I", "prizes": "Piagam", "assumption": ""},
    )
    assert [t["label"] for t in data_of(draft)["award_tiers"]] == ["Terbaik", "Harapan I"]


def test_deleting_an_aspect_takes_its_indicators_and_tie_breaks(tapem, draft):
    aspect = part(Aspect, stage__instrument_set=draft, code="A")
    confirm = tapem.get(url(draft, f"aspek/{aspect.pk}/hapus/")).content.decode()
    assert "1 indikator" in confirm and "1 aturan nilai seri" in confirm
    response = tapem.post(url(draft, f"aspek/{aspect.pk}/hapus/"))
    assert response.status_code == 302
    data = data_of(draft)
    assert [a["code"] for a in data["stages"][0]["aspects"]] == ["B"]
    assert data["tie_break_rules"] == []


def test_a_part_of_another_set_is_not_found(tapem, tenancy, draft):
    with scopes_disabled():
        other = instrument_set_import_data(region=tenancy.bekasi, data=tiny_set(code="lain"))
        stage = Stage.objects.get(instrument_set=other)
    assert tapem.get(url(draft, f"tahap/{stage.pk}/ubah/")).status_code == 404
    assert tapem.post(url(draft, f"tahap/{stage.pk}/hapus/")).status_code == 404
    assert tapem.get(url(draft, f"tahap/{stage.pk}/aspek/tambah/")).status_code == 404


# ------------------------------------------------------------------------------ frozen


@pytest.fixture
def frozen(draft):
    with scopes_disabled():
        return instrument_set_freeze(instrument_set=draft)


def test_frozen_set_refuses_every_edit_and_offers_a_new_version(tapem, frozen):
    before = data_of(frozen)
    stage = part(Stage, instrument_set=frozen)
    option_parent = part(Indicator, aspect__stage=stage, code="A1")
    for path, payload in [
        ("ubah/", {"name": "Diubah"}),
        ("tahap/tambah/", STAGE_POST),
        (f"tahap/{stage.pk}/ubah/", STAGE_POST),
        (f"tahap/{stage.pk}/hapus/", {}),
        (f"indikator/{option_parent.pk}/pilihan/tambah/", {"code": "a", "score": "1"}),
        ("penghargaan/tambah/", {"rank": "2", "label": "x"}),
    ]:
        for response in (tapem.get(url(frozen, path)), tapem.post(url(frozen, path), payload)):
            assert response.status_code == 409, path
            page = response.content.decode()
            assert "sudah dibekukan karena dipakai periode yang sudah memiliki nilai" in page
            assert "Buat versi baru" in page
    assert data_of(frozen) == before


def test_frozen_set_page_explains_and_hides_edit_links(tapem, frozen):
    page = tapem.get(url(frozen)).content.decode()
    assert "Set ini dibekukan" in page
    assert "/ubah/" not in page and "/tambah/" not in page
    assert "Buat versi baru" in page


def test_service_refuses_edits_of_a_frozen_set(frozen):
    from instruments.services import (
        FrozenInstrumentSetError,
        instrument_part_delete,
        instrument_part_update,
        instrument_set_update,
    )

    with scopes_disabled():
        stage = Stage.objects.get(instrument_set=frozen)
        with pytest.raises(FrozenInstrumentSetError):
            instrument_set_update(instrument_set=frozen, values={"name": "Baru"})
        with pytest.raises(FrozenInstrumentSetError):
            instrument_part_update(instrument_set=frozen, part=stage, values={"name": "Baru"})
        with pytest.raises(FrozenInstrumentSetError):
            instrument_part_delete(instrument_set=frozen, part=stage)
        assert Stage.objects.get(pk=stage.pk).name == "Penilaian tim"


def test_freezing_is_idempotent(draft):
    with scopes_disabled():
        instrument_set_freeze(instrument_set=draft)
        instrument_set_freeze(instrument_set=draft)
        assert InstrumentSet.objects.get(pk=draft.pk).status == "frozen"


def test_clone_makes_the_next_draft_version(tapem, frozen):
    response = tapem.post(url(frozen, "versi-baru/"))
    with scopes_disabled():
        clone = InstrumentSet.objects.get(code="uji", version=2)
    assert response["Location"] == url(clone)
    assert (clone.status, clone.previous_version_id) == ("draft", frozen.pk)
    assert data_of(clone) == {**data_of(frozen), "version": 2}
    page = tapem.get(url(clone)).content.decode()
    assert "Versi 2 dibuat sebagai draf; versi 1 tidak berubah." in page
    assert "Tambah tahap" in page  # the clone can be edited
    assert tapem.get(url(frozen, "versi-baru/")).status_code == 405


def test_clone_of_a_draft_that_does_not_validate_says_why(tapem, draft):
    indicator = part(Indicator, aspect__stage__instrument_set=draft, code="B1")
    tapem.post(url(draft, f"indikator/{indicator.pk}/hapus/"))
    response = tapem.post(url(draft, "versi-baru/"), follow=True)
    page = response.content.decode()
    assert "Versi baru tidak dapat dibuat" in page
    assert "Aspek tidak memiliki indikator berskor." in page
    with scopes_disabled():
        assert InstrumentSet.objects.count() == 1


# ------------------------------------------------------------------------------ workbook


def test_download_is_the_whole_set_as_xlsx(login, tenancy, draft):
    client = login(tenancy.users["penilai_bekasi"])  # reading the set is not an edit
    response = client.get(url(draft, "unduh/"))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="uji-v1.xlsx"'
    assert response.content[:2] == b"PK"


def test_upload_creates_a_new_version_from_the_workbook(tapem, draft):
    content = tapem.get(url(draft, "unduh/")).content
    content = with_cell(content, "set", 2, "nomor dasar hukum", "Nomor 2 Tahun 2027")
    response = tapem.post(
        "/bekasi/instrumen/unggah/", {"workbook": SimpleUploadedFile("uji.xlsx", content)}
    )
    with scopes_disabled():
        new = InstrumentSet.objects.get(code="uji", version=2)
    assert response["Location"] == url(new)
    assert new.legal_number == "Nomor 2 Tahun 2027" and new.previous_version_id == draft.pk


def test_upload_of_a_new_code_creates_a_new_set(tapem, draft):
    content = exported(tiny_set(code="kinerja-2027", name="Set 2027"))
    tapem.post("/bekasi/instrumen/unggah/", {"workbook": SimpleUploadedFile("a.xlsx", content)})
    with scopes_disabled():
        assert InstrumentSet.objects.get(code="kinerja-2027").name == "Set 2027"


def test_upload_shows_every_refused_row_and_stores_nothing(tapem, draft):
    content = with_cell(exported(), "indikator", 3, "bobot dalam aspek (%)", "banyak")
    content = with_cell(content, "aspek", 2, "nilai maksimal", "")
    response = tapem.post(
        "/bekasi/instrumen/unggah/", {"workbook": SimpleUploadedFile("uji.xlsx", content)}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Workbook ditolak; tidak ada yang disimpan" in page
    assert "aspek baris 2: nilai maksimal wajib diisi." in page
    assert "indikator baris 3: bobot dalam aspek (%) harus berupa angka." in page
    with scopes_disabled():
        assert InstrumentSet.objects.count() == 1


def test_upload_of_something_else_is_refused_with_the_reason(tapem, draft):
    response = tapem.post(
        "/bekasi/instrumen/unggah/",
        {"workbook": SimpleUploadedFile("set.xlsx", b"kode,versi\nuji,1\n")},
    )
    assert "bukan workbook Excel (.xlsx)" in response.content.decode()
    with scopes_disabled():
        assert InstrumentSet.objects.count() == 1


def test_upload_larger_than_allowed_is_refused_by_the_form(tapem, draft, settings):
    settings.KINERJA_MAX_WORKBOOK_BYTES = 1000
    response = tapem.post(
        "/bekasi/instrumen/unggah/", {"workbook": SimpleUploadedFile("set.xlsx", exported())}
    )
    assert "Berkas terlalu besar; ukuran maksimal" in response.content.decode()


# ------------------------------------------------------------------------------ compare


def test_compare_two_versions_lists_what_changed(tapem, draft):
    tapem.post(url(draft, "versi-baru/"))
    with scopes_disabled():
        clone = InstrumentSet.objects.get(code="uji", version=2)
        aspect = Aspect.objects.get(stage__instrument_set=clone, code="B")
        AwardTier.objects.filter(instrument_set=clone).delete()
    tapem.post(
        url(clone, f"aspek/{aspect.pk}/ubah/"),
        {"order": "2", "code": "B", "name": "Aspek B", "weight": "45", "max_score": "100",
         "indicator_combine": "sum", "counts_toward_total": "on", "assumption": ""},
    )  # fmt: skip
    page = tapem.get(url(clone, f"bandingkan/?dengan={draft.pk}")).content.decode()
    assert "Perubahan dari versi 1 ke versi 2" in page
    assert "<del>40</del> → <ins>45</ins>" in page
    assert "dihapus" in page and "Terbaik" in page
    # The same comparison from the older version's page: still old → new.
    assert (
        "Perubahan dari versi 1 ke versi 2"
        in tapem.get(url(draft, f"bandingkan/?dengan={clone.pk}")).content.decode()
    )


def test_compare_only_with_a_version_of_the_same_set(tapem, tenancy, draft):
    with scopes_disabled():
        other = instrument_set_import_data(region=tenancy.bekasi, data=tiny_set(code="lain"))
    assert tapem.get(url(draft, f"bandingkan/?dengan={other.pk}")).status_code == 404
    assert tapem.get(url(draft, "bandingkan/?dengan=x")).status_code == 404


# ------------------------------------------------------------------------------ detail page


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["tapem_bekasi", "pimpinan_bekasi"])
def test_detail_page_query_count_does_not_grow_with_the_set(login, tenancy, role):
    client = login(tenancy.users[role])
    with scopes_disabled():
        small = instrument_set_import_data(
            region=tenancy.bekasi, data=bigger_set(stages=1, aspects=1, indicators=1)
        )
        large = instrument_set_import_data(region=tenancy.bekasi, data=bigger_set(code="besar"))
        instrument_set_import_data(region=tenancy.bekasi, data=bigger_set(code="besar", version=2))
    _queries(client, url(small))  # warm the session
    assert _queries(client, url(small)) == _queries(client, url(large))


def test_only_tapem_sees_edit_controls(login, tenancy, draft):
    tapem_page = login(tenancy.users["tapem_bekasi"]).get(url(draft)).content.decode()
    assert "Tambah tahap" in tapem_page and "Ubah dasar hukum" in tapem_page
    pimpinan_page = login(tenancy.users["pimpinan_bekasi"]).get(url(draft)).content.decode()
    assert "Tambah tahap" not in pimpinan_page and "Buat versi baru" not in pimpinan_page
    assert "Unduh xlsx" in pimpinan_page


# ------------------------------------------------------------------------------ presentation

LIMITS_TEXT = (
    '{"phases": [{"code": "paparan", "label": "Pemaparan Camat", "minutes": 30}, '
    '{"code": "wawancara", "label": "Wawancara panel", "minutes": null}], "slides": 12, '
    '"reference": "Pasal 11 ayat (6)–(8)"}'
)


def test_tapem_sets_a_stages_presentation_limits_and_the_card_shows_them(tapem, draft):
    response = tapem.post(
        url(draft, "tahap/tambah/"), {**STAGE_POST, "presentation_limits": LIMITS_TEXT}
    )
    assert response.status_code == 302
    stage = part(Stage, instrument_set=draft, code="T2")
    assert [p["minutes"] for p in stage.presentation_limits["phases"]] == [30, None]
    page = tapem.get(url(draft)).content.decode()
    assert "Pemaparan Camat — paling lama 30 menit" in page
    assert "Wawancara panel — tanpa batas waktu" in page
    assert "Bahan paparan paling banyak 12 halaman." in page
    assert "Pasal 11 ayat (6)–(8)" in page
    # A stage without limits has no such line.
    assert page.count("Batas waktu pemaparan") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("video 10 menit", "Masukkan JSON yang valid."),
        ('{"phases": []}', "Isi phases dengan sedikitnya satu fase pemaparan."),
        (
            '{"phases": [{"code": "video", "label": "Video", "minutes": "sepuluh"}]}',
            "Fase 1: menit harus bilangan bulat 1–600, atau null",
        ),
        (
            '{"phases": [{"code": "video", "label": "", "minutes": 10}], "slides": 0}',
            "Fase 1: nama fase (label) wajib diisi.",
        ),
        (
            '{"phases": [{"code": "a", "label": "A", "minutes": 5}], "halaman": 12}',
            "Kunci halaman tidak dikenal",
        ),
        ("[10, 30]", "Batas waktu pemaparan harus berupa objek JSON"),
    ],
)
def test_a_malformed_presentation_limit_is_refused_in_indonesian(tapem, draft, text, message):
    before = data_of(draft)
    response = tapem.post(url(draft, "tahap/tambah/"), {**STAGE_POST, "presentation_limits": text})
    assert response.status_code == 422
    assert message in str(response.context["form"].errors["presentation_limits"])
    assert data_of(draft) == before


def test_limits_stored_around_the_forms_are_reported_by_the_set_validation(draft):
    from instruments.validation import validate_instrument_set

    with scopes_disabled():
        Stage.objects.filter(instrument_set=draft).update(presentation_limits={"phases": "30"})
        findings = validate_instrument_set(InstrumentSet.objects.get(pk=draft.pk))
    assert [str(f) for f in findings if f.is_error] == [
        "Tahap T1 · batas waktu pemaparan: Isi phases dengan sedikitnya satu fase pemaparan."
    ]
