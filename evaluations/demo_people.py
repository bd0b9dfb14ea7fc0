"""Who the demo accounts are: plausible Indonesian names with gelar, jabatan, pangkat and a
valid NIP for every civil servant (none for academics and the elected head of region).

Everything follows from the username (a hash picks the name, birth date and TMT), so the
demo prints the same people on every machine and every run.
"""

import hashlib
from datetime import date

MEN = (
    "Ahmad", "Budi", "Agus", "Bambang", "Hendra", "Rudi", "Joko", "Dedi", "Eko", "Hadi",
    "Iwan", "Yusuf", "Fajar", "Rahmat", "Teguh", "Wahyu", "Arif", "Slamet", "Imam", "Irfan",
    "Moh. Rizal", "Abdul", "Sofyan", "Andi",
)  # fmt: skip
WOMEN = (
    "Siti", "Sri", "Dewi", "Rina", "Nur", "Lina", "Yuni", "Fitri", "Ratna", "Wulan", "Indah",
    "Endang", "Maya", "Tri", "Dian", "Hasnah", "Nurhayati", "Maria",
)  # fmt: skip
FAMILY_NAMES = ("Lamadi", "Lasimpala", "Labolo", "Tahir", "Pasaribu", "Simanjuntak", "Siregar")
MEN_SURNAMES = (
    "Santoso", "Setiawan", "Wijaya", "Gunawan", "Hartono", "Susanto", "Kurniawan", "Prasetyo",
    "Suryadi", "Firmansyah", "Hidayat", "Nugroho", "Saputra", "Wibowo", "Pratama", "Ramadhan",
    *FAMILY_NAMES,
)  # fmt: skip
WOMEN_SURNAMES = (
    "Rahayu", "Lestari", "Handayani", "Aminah", "Wahyuni", "Kusumawati", "Puspitasari",
    "Susanti", "Anggraini", "Maharani", "Safitri", "Permatasari", *FAMILY_NAMES,
)  # fmt: skip
# What civil servants of a Pemerintah Daerah typically hold; operators often a diploma.
BACHELOR = ("S.Sos.", "S.IP.", "S.STP.", "S.AP.", "S.H.", "S.E.")
OPERATOR_DEGREE = ("A.Md.", "S.Kom.", "S.E.", "S.Sos.", "S.IP.", "S.AP.")
MASTER = ("M.Si.", "M.AP.", "M.M.", "M.H.")
UNIVERSITY = {
    "bekasi": "Universitas Islam 45 Bekasi",
    "banggai": "Universitas Tompotika Luwuk",
    "pekalongan": "Universitas Pekalongan",
    "tegal": "Universitas Pancasakti Tegal",
}
# The civil-servant penilai of a region, by number: jabatan, instansi, pangkat.
PENILAI = {
    1: ("Asisten Pemerintahan dan Kesra", "Sekretariat Daerah {region}", "IV/c"),
    2: ("Inspektur Pembantu Wilayah I", "Inspektorat {region}", "IV/b"),
    3: ("Kepala Bidang Pemerintahan dan Pembangunan Manusia", "Bappeda {region}", "IV/a"),
    4: ("Analis Kebijakan Ahli Madya", "Bagian Organisasi Setda {region}", "IV/b"),
}


# Banggai's Tim EKK as Perbup Banggai 49/2022 Pasal 14(2) appoints it, by penilai number:
# the PD heads and the academic first (they also sit on stages 1 and 2), then the Bupati,
# Wakil Bupati and Sekda (Ketua, Wakil Ketua, Sekretaris of stage 3). None: no NIP.
BANGGAI_PENILAI = {
    1: ("Asisten Pemerintahan dan Kesra", "Sekretariat Daerah {region}", "IV/c"),
    2: ("Inspektur", "Inspektorat Daerah {region}", "IV/c"),
    3: ("Kepala Bappeda", "Badan Perencanaan Pembangunan Daerah {region}", "IV/c"),
    4: ("Kepala BKPSDM", "Badan Kepegawaian dan Pengembangan SDM {region}", "IV/c"),
    6: ("Bupati Banggai", "Pemerintah {region}", None),
    7: ("Wakil Bupati Banggai", "Pemerintah {region}", None),
    8: ("Sekretaris Daerah", "Sekretariat Daerah {region}", "IV/d"),
    9: ("Kepala BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah {region}", "IV/c"),
}


# Pekalongan's panel (Panduan 2017 B.1: at least three independent members): besides the
# academic (penilai 5), two members from outside the Pemerintah Daerah. None: no NIP.
PEKALONGAN_PENILAI = {
    **PENILAI,
    3: ("Ketua Pengurus Cabang", "Ikatan Bidan Indonesia Kabupaten Pekalongan", None),
    4: ("Tenaga Ahli Inovasi Pelayanan Publik", "Forum CSR Kabupaten Pekalongan", None),
}
TABLES = {"banggai": BANGGAI_PENILAI, "pekalongan": PEKALONGAN_PENILAI}
ELECTED = ("Bupati", "Wakil Bupati")


def _digest(username: str) -> bytes:
    return hashlib.sha256(username.encode()).digest()


FRONT_GELAR = ("Prof.", "Dr.", "Drs.", "Ir.", "H.", "Hj.")


def bare_name(full_name: str) -> str:
    """The name without its gelar: "Dr. Budi Santoso, S.AP., M.H." → "Budi Santoso"."""
    words = full_name.split(",")[0].split()
    while words and words[0] in FRONT_GELAR:
        words.pop(0)
    return " ".join(words)


def _name(
    username: str,
    taken: set[str],
    *,
    front: str = "",
    degrees: tuple[str, ...] = BACHELOR,
    master: bool = True,
) -> tuple[str, str]:
    """(full name with gelar, sex digit "1" or "2") for `username`, a name not in `taken`
    (which then holds it)."""
    h = _digest(username)
    woman = h[0] % 3 == 0
    given, surnames = (WOMEN, WOMEN_SURNAMES) if woman else (MEN, MEN_SURNAMES)
    for salt in range(len(given) * len(surnames)):
        name = f"{given[(h[1] + salt) % len(given)]} {surnames[(h[2] + salt * 7) % len(surnames)]}"
        if name not in taken:
            break
    taken.add(name)
    gelar = [degrees[h[3] % len(degrees)]]
    if master:
        gelar.append(MASTER[h[4] % len(MASTER)])
    if front == "H." and woman:
        front = "Hj."
    prefix = f"{front} " if front else ""
    return f"{prefix}{name}, {', '.join(gelar)}", "2" if woman else "1"


def _nip(username: str, sex: str, *, born_from: int, born_to: int) -> str:
    """A NIP that passes `regions.people.validate_nip`: born between the two years, TMT CPNS
    23 to 30 years later, the sex digit of the name, a serial from the same hash."""
    h = _digest(username)
    born = date(born_from + h[5] % (born_to - born_from + 1), 1 + h[6] % 12, 1 + h[7] % 28)
    tmt_year = min(born.year + 23 + h[8] % 8, 2022)
    serial = 1 + int.from_bytes(h[9:11]) % 999
    return f"{born:%Y%m%d}{tmt_year}{1 + h[11] % 12:02d}{sex}{serial:03d}"


def demo_person(
    username: str,
    *,
    slug: str,
    region: str,
    head_title: str,
    kecamatan: str = "",
    taken: set[str] | None = None,
) -> dict[str, str]:
    """The `regions.services.profile_update` arguments for a demo account (`kecamatan`: the
    name of an operator's kecamatan; `taken`: names already given, so none repeats)."""
    taken = set() if taken is None else taken
    short_region = region.removeprefix("Kota ").removeprefix("Kabupaten ")
    setda = f"Sekretariat Daerah {region}"
    if username.startswith("tapem-"):
        full, sex = _name(username, taken)
        return {
            "full_name": full,
            "nip": _nip(username, sex, born_from=1975, born_to=1982),
            "jabatan": "Kepala Bagian Tata Pemerintahan",
            "pangkat": "IV/a",
            "instansi": setda,
        }
    if username.startswith("pimpinan-"):  # the elected head of region: no NIP, no pangkat
        full, _sex = _name(username, taken, front="H.")
        return {
            "full_name": full,
            "jabatan": f"{head_title} {short_region}",
            "instansi": f"Pemerintah {region}",
        }
    if username.startswith("op-"):
        full, sex = _name(username, taken, degrees=OPERATOR_DEGREE, master=False)
        return {
            "full_name": full,
            "nip": _nip(username, sex, born_from=1985, born_to=1996),
            "jabatan": f"Kasi Pemerintahan Kecamatan {kecamatan}",
            "pangkat": ("II/c", "III/a", "III/b")[_digest(username)[12] % 3],
            "instansi": f"Kecamatan {kecamatan}",
        }
    number = int(username.rsplit("-", 1)[-1]) if username[-1].isdigit() else 0
    table = TABLES.get(slug, PENILAI)
    if table.get(number, ("", "", ""))[2] is None:  # elected or from outside: no NIP, no pangkat
        jabatan, instansi, _none = table[number]
        front = "H." if jabatan.startswith(ELECTED) else ""
        full, _sex = _name(username, taken, front=front)
        return {"full_name": full, "jabatan": jabatan, "instansi": instansi.format(region=region)}
    if number in table:
        jabatan, instansi, pangkat = table[number]
        full, sex = _name(username, taken, front="Dr." if number == 1 else "")
        return {
            "full_name": full,
            "nip": _nip(username, sex, born_from=1968, born_to=1978),
            "jabatan": jabatan,
            "pangkat": pangkat,
            "instansi": instansi.format(region=region),
        }
    # An academic (penilai-<region>-5, penilai-lintas): no NIP, no pangkat.
    full, _sex = _name(username, taken, front="Dr.")
    if username == "penilai-lintas":  # sits in two regions
        return {
            "full_name": full,
            "jabatan": "Dosen Administrasi Publik",
            "instansi": "Universitas Terbuka",
        }
    return {
        "full_name": full,
        "jabatan": "Dosen Ilmu Pemerintahan",
        "instansi": UNIVERSITY[slug],
    }
