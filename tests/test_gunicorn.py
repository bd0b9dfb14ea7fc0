"""The production server does not announce itself: no `Server: gunicorn` header."""

import http.client
import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PORT = 8101
CONFIG = "config/gunicorn.conf.py"


def _get(path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture
def gunicorn(tmp_path):
    if importlib.util.find_spec("gunicorn") is None:
        pytest.skip("gunicorn is not installed (pip install -e '.[dev]')")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", CONFIG, "--workers", "1"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{PORT}", "config.wsgi"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get("/healthz")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    server.kill()
                    pytest.fail(f"gunicorn did not start on port {PORT}: {server.stderr.read()}")
                time.sleep(0.2)
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_gunicorn_sends_no_server_banner(gunicorn):
    response = _get("/healthz")
    assert response.status == 200
    server = response.getheader("Server")
    assert server is None, f"Server: {server}"


def test_the_image_and_compose_run_gunicorn_with_this_config():
    assert f'"-c", "{CONFIG}"' in (ROOT / "Dockerfile").read_text()
    assert f'"-c", "{CONFIG}"' in (ROOT / "docker-compose.yml").read_text()
