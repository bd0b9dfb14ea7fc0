import pytest

from tests.evaluations.conftest import make_period  # noqa: F401 - the shared builder
from tests.evaluations.test_absences_and_ties import awards_set, enter


@pytest.fixture
def scored(make_period):  # noqa: F811 - the imported fixture
    """Two penilai; Jatiasih (90, 70) and (80, 80) → 82 and 80 → 81,00; Bantargebang
    (80, 90) and (70, 60) → 84 and 66 → 75,00."""
    setup = make_period(awards_set(), kecamatan=("Bantargebang", "Jatiasih"))
    enter(
        setup.period,
        {
            ("Jatiasih", "penilai_bekasi"): (90, 70),
            ("Jatiasih", "penilai_lintas"): (80, 80),
            ("Bantargebang", "penilai_bekasi"): (80, 90),
            ("Bantargebang", "penilai_lintas"): (70, 60),
        },
    )
    return setup
