"""docker-compose.yml is a valid Compose file with the production shape the README names."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "SECRET_KEY": "compose-check-" + "k" * 50,
    "ALLOWED_HOSTS": "kinerja.example.go.id",
    "POSTGRES_PASSWORD": "compose-check",
}


def _compose() -> list[str]:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if docker:
        plugin = subprocess.run([docker, "compose", "version"], capture_output=True)
        if plugin.returncode == 0:
            return [docker, "compose"]
    if os.environ.get("CI"):
        pytest.fail("CI must provide a Compose client (.ci/run installs docker-compose)")
    pytest.skip("no Compose client (apt-get install docker-compose)")


def _config(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    return subprocess.run(
        [*_compose(), "-f", str(ROOT / "docker-compose.yml"), "config", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        cwd=ROOT,
    )


def test_compose_file_is_valid_and_has_the_production_services():
    result = _config(PRODUCTION_ENV, "--services")
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"postgres", "redis", "migrate", "web", "worker", "beat"}


def test_compose_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _config(env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
