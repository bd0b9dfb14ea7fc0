"""Browser journeys in Debian's headless Chromium, driven by playwright."""

import os
import shutil

import pytest

CHROMIUM = (
    os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
)


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must provide chromium for the browser journeys (.ci/run installs it)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API refuses to run inside an asyncio loop; pytest-django is sync.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="id-ID")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", "--no-scores", stdout=StringIO())


def login(page, live_server, username: str, password: str = "kinerja-demo") -> None:
    page.goto(f"{live_server.url}/akun/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The form posts and redirects; wait for that page so callers never read the old one.
    with page.expect_navigation():
        page.click("button[type=submit]")
