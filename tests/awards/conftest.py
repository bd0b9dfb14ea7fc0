from tests.evaluations.conftest import make_period  # noqa: F401 - the shared period builder
