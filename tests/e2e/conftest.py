"""Browser fixtures: Debian's Chromium driven by Playwright (one browser per test)."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PASSWORD = "Test-Login-2026!"


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        context = browser.new_context(locale="fr-FR")
        yield context.new_page()
        context.close()
        browser.close()


def login(page, username, password=PASSWORD):
    # With Organizations on, Keycloak asks for the username first, then the password.
    page.fill("#username", username)
    if not page.locator("#password").is_visible():
        page.click("#kc-login")
    page.fill("#password", password)
    page.click("#kc-login")


_last_code: dict[str, str] = {}


def fresh_totp(secret):
    """The current code, waiting for the next period if it was already used: Keycloak refuses
    a code twice (replay protection), and two tests can fall in the same 30 s."""
    import time

    from identity import otp

    while (code := otp.totp(secret)) == _last_code.get(secret):
        time.sleep(1)
    _last_code[secret] = code
    return code
