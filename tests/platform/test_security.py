"""Security: secret key, deploy settings, health check, sign-in throttling, test hashing."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

import touchbase
from touchbase.api import api
from touchbase.core.forms import client_address
from touchbase.core.models import Membership, SignInFailure, User
from touchbase.core.secret_key import secret_key_load

pytestmark = pytest.mark.django_db

SOURCE_DIR = str(Path(touchbase.__file__).resolve().parents[1])
PUBLISHED_KEY = "touchbase-development-key-change-me-in-production-0123456789"


def run_python(code: str, **environment: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter on touchbase's settings, with only the given TOUCHBASE_*."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("TOUCHBASE_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright, never in production
    env["PYTHONPATH"] = os.pathsep.join([SOURCE_DIR, env.get("PYTHONPATH", "")])
    env["DJANGO_SETTINGS_MODULE"] = "touchbase.settings"
    env.update(environment)
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def unwritable(tmp_path: Path) -> Path:
    """A data directory nobody can create, not even root: its parent is a file."""
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    return blocker / "data"


# 1. Secret key


def test_without_a_configured_key_one_is_generated_into_the_data_directory(tmp_path):
    key = secret_key_load(data_dir=tmp_path / "data", debug=False)
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text() == key + "\n"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) >= 50
    assert sorted(path.name for path in key_file.parent.iterdir()) == ["secret_key"]


def test_the_generated_key_is_reused_on_the_next_start(tmp_path):
    first = secret_key_load(data_dir=tmp_path, debug=False)
    assert secret_key_load(data_dir=tmp_path, debug=False) == first


def test_each_installation_generates_its_own_key(tmp_path):
    one = secret_key_load(data_dir=tmp_path / "one", debug=False)
    other = secret_key_load(data_dir=tmp_path / "other", debug=False)
    assert one != other


def test_processes_starting_together_agree_on_one_key(tmp_path):
    # given eight processes (web workers, the task worker) starting on an empty data directory
    code = (
        "import sys; from pathlib import Path; from touchbase.core.secret_key import "
        "secret_key_load; print(secret_key_load(data_dir=Path(sys.argv[1]), debug=False))"
    )
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(tmp_path)], stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": SOURCE_DIR},
        )
        for _process in range(8)
    ]  # fmt: skip
    keys = {start.communicate(timeout=60)[0] for start in starts}
    # then they all sign with the key that was kept, and no temporary file is left behind
    assert keys == {(tmp_path / "secret_key").read_text()}
    assert sorted(path.name for path in tmp_path.iterdir()) == ["secret_key"]


def test_production_refuses_to_start_without_a_key_and_a_writable_data_directory(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="Set TOUCHBASE_SECRET_KEY"):
        secret_key_load(data_dir=unwritable(tmp_path), debug=False)


def test_debug_without_a_writable_data_directory_signs_with_a_key_of_its_own(tmp_path):
    data_dir = unwritable(tmp_path)
    one = secret_key_load(data_dir=data_dir, debug=True)
    other = secret_key_load(data_dir=data_dir, debug=True)
    assert len(one) >= 50
    assert one != other
    assert PUBLISHED_KEY not in (one, other)


def test_settings_use_the_generated_key_when_none_is_configured(tmp_path):
    result = run_python(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        TOUCHBASE_DATA_DIR=str(tmp_path),
    )
    assert result.stdout == (tmp_path / "secret_key").read_text()
    assert PUBLISHED_KEY not in result.stdout


def test_settings_use_the_configured_key(tmp_path):
    result = run_python(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        TOUCHBASE_DATA_DIR=str(tmp_path),
        TOUCHBASE_SECRET_KEY="a-configured-key-" + "x" * 40,
    )
    assert result.stdout == "a-configured-key-" + "x" * 40 + "\n"
    assert not (tmp_path / "secret_key").exists()


def test_settings_refuse_to_load_in_production_without_a_key_and_a_writable_data_directory(
    tmp_path,
):
    result = run_python(
        "from django.conf import settings; print(settings.SECRET_KEY)",
        TOUCHBASE_DATA_DIR=str(unwritable(tmp_path)),
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "ImproperlyConfigured: TOUCHBASE_SECRET_KEY is not set" in result.stderr


# 2. Production settings and Content-Security-Policy

PRODUCTION = {
    "TOUCHBASE_ALLOWED_HOSTS": "crm.example.com",
    "TOUCHBASE_HSTS_SECONDS": "31536000",
    "TOUCHBASE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "TOUCHBASE_HSTS_PRELOAD": "1",
    "TOUCHBASE_SSL_REDIRECT": "1",
    "TOUCHBASE_PROXY_SSL_HEADER": "1",
    "TOUCHBASE_SECURE_COOKIES": "1",
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DEPLOY_CHECK = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True)"
)
TEMPLATES_DIR = Path(touchbase.__file__).resolve().parent


def test_deploy_check_is_clean_with_the_production_variables(tmp_path):
    result = run_python(DEPLOY_CHECK, TOUCHBASE_DATA_DIR=str(tmp_path), **PRODUCTION)
    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.returncode == 0


def test_deploy_check_warns_without_the_production_variables(tmp_path):
    result = run_python(DEPLOY_CHECK, TOUCHBASE_DATA_DIR=str(tmp_path))
    warnings = sorted(set(re.findall(r"\(security\.W\d+\)", result.stderr)))
    assert warnings == [
        "(security.W004)", "(security.W008)", "(security.W012)", "(security.W016)"
    ]  # fmt: skip


def test_production_variables_set_the_security_settings(tmp_path):
    names = [
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE", "LANGUAGE_COOKIE_SECURE",
    ]  # fmt: skip
    code = f"from django.conf import settings; print([getattr(settings, n) for n in {names}])"
    result = run_python(code, TOUCHBASE_DATA_DIR=str(tmp_path), **PRODUCTION)
    expected = [31536000, True, True, True, ("HTTP_X_FORWARDED_PROTO", "https"), True, True, True]
    assert result.stdout == f"{expected}\n"


def test_debugging_only_reports_policy_violations(tmp_path):
    code = (
        "from django.conf import settings; from django.utils.csp import build_policy; "
        "print(settings.SECURE_CSP, build_policy(settings.SECURE_CSP_REPORT_ONLY))"
    )
    result = run_python(code, TOUCHBASE_DATA_DIR=str(tmp_path), TOUCHBASE_DEBUG="1")
    assert result.stdout == f"{{}} {POLICY}\n"


def test_every_page_carries_the_content_security_policy(client):
    response = client.get("/login/")
    assert response["Content-Security-Policy"] == POLICY


def test_the_health_check_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/login/").status_code == 301
    assert client.get("/healthz").status_code == 200


def test_the_language_cookie_is_secure_with_secure_cookies(client, settings):
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.post(reverse("core:language-set"), {"language": "de", "next": "/login/"})
    assert response.cookies["django_language"]["secure"] is True


def test_no_template_has_inline_scripts_the_policy_would_block():
    offenders = []
    for template in sorted(TEMPLATES_DIR.glob("**/templates/**/*.html")):
        if "email" in template.parts:
            continue  # mail clients never see the policy
        html = template.read_text()
        inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
        handlers = re.findall(r"\son[a-z]+=|javascript:", html)
        if inline or handlers:
            offenders.append(template.relative_to(TEMPLATES_DIR).as_posix())
    assert offenders == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pages_run_under_the_policy_and_removing_a_member_still_asks(
    page, live_server, transactional_db, alice, bob
):
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.locator("#id_username").fill("alice")
    page.locator("#id_password").fill("alice-password-1")
    page.locator("button[type=submit]").last.click()
    expect(page.get_by_role("heading", name="My due list")).to_be_visible()
    for name in ["Accounts", "Contacts", "Team", "Cadence", "Data care"]:
        page.get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_load_state()
    page.get_by_role("link", name="Accounts", exact=True).first.click()
    page.locator("input[name=q]").fill("nobody")
    expect(page.locator("#account-table")).to_be_visible()
    # when alice dismisses the question, bob stays; when she accepts, he goes
    page.goto(f"{live_server.url}{reverse('core:members')}")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("button", name="Remove")).to_have_count(1)
    assert Membership.objects.filter(user=bob).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Member removed.")).to_be_visible()
    assert Membership.objects.filter(user=bob).count() == 0
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(api.title)
    assert violations == []


# 3. Health check


def test_health_check_answers_ok_when_the_tables_are_there(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_check_answers_503_when_the_workspace_table_is_missing(client):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_workspace RENAME TO core_workspace_gone")
        response = client.get("/healthz")
        transaction.set_rollback(True)
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert client.get("/healthz").status_code == 200


def test_health_check_answers_503_on_the_empty_file_sqlite_makes_when_its_file_is_gone(tmp_path):
    # given a data directory whose database file has been removed
    code = (
        "import django; django.setup(); from django.test import Client; "
        "response = Client().get('/healthz', HTTP_HOST='localhost'); "
        "print(response.status_code, response.content.decode())"
    )
    # when the health check runs
    result = run_python(code, TOUCHBASE_DATA_DIR=str(tmp_path), DATABASE_URL="")
    # then it answers 503 although SQLite made a new, empty file
    assert result.stdout == '503 {"status": "unavailable"}\n'
    assert (tmp_path / "touchbase.sqlite3").exists()


# 4. Sign-in throttling

ATTACKER = "203.0.113.7"
THROTTLED = "Too many failed sign-in attempts. Please try again in 15 minutes."
MISMATCH = "Your username and password didn't match. Please try again."


def sign_in(username: str, password: str, address: str = ATTACKER, url: str = "/login/"):
    """Post the sign-in form from a fresh browser at the given address."""
    return Client().post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def form_errors(response) -> list[str]:
    return list(response.context["form"].non_field_errors())


def test_five_failures_refuse_even_the_right_password(alice):
    for _attempt in range(5):
        assert form_errors(sign_in("alice", "wrong-password")) == [MISMATCH]
    response = sign_in("alice", "alice-password-1")
    assert form_errors(response) == [THROTTLED]
    assert "_auth_user_id" not in response.client.session
    assert SignInFailure.objects.filter(username="alice").count() == 5


def test_four_failures_still_let_the_right_password_in_and_are_forgotten(alice):
    for _attempt in range(4):
        sign_in("alice", "wrong-password")
    response = sign_in("alice", "alice-password-1")
    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(alice.pk)
    assert SignInFailure.objects.count() == 0


def test_the_throttle_ignores_case_and_spaces_in_the_username(alice):
    for username in ["Alice", "ALICE", " alice", "alice ", "aLiCe"]:
        sign_in(username, "wrong-password")
    assert form_errors(sign_in("alice", "alice-password-1")) == [THROTTLED]


def test_the_refusal_is_translated(alice):
    for _attempt in range(5):
        sign_in("alice", "wrong-password")
    browser = Client()
    browser.cookies["django_language"] = "de"
    response = browser.post(
        "/login/", {"username": "alice", "password": "alice-password-1"}, REMOTE_ADDR=ATTACKER
    )
    assert form_errors(response) == [
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in 15 Minuten noch "
        "einmal."
    ]


def test_another_username_from_the_same_address_is_unaffected_until_the_address_limit(alice, bob):
    # given alice is throttled after five failures from the attacker's address
    for _attempt in range(5):
        sign_in("alice", "wrong-password")
    # then bob still signs in from there
    assert sign_in("bob", "bob-password-1").status_code == 302
    # when fifteen more failures for other names bring the address to twenty
    for number in range(15):
        sign_in(f"guess-{number}", "wrong-password")
    # then bob is refused from that address, but not from his own
    assert form_errors(sign_in("bob", "bob-password-1")) == [THROTTLED]
    assert sign_in("bob", "bob-password-1", address="198.51.100.20").status_code == 302
    assert SignInFailure.objects.filter(address=ATTACKER).count() == 20


def test_the_throttle_lifts_when_the_window_has_passed(alice):
    for _attempt in range(5):
        sign_in("alice", "wrong-password")
    SignInFailure.objects.update(failed_at=F("failed_at") - dt.timedelta(minutes=14))
    assert form_errors(sign_in("alice", "alice-password-1")) == [THROTTLED]
    SignInFailure.objects.update(failed_at=F("failed_at") - dt.timedelta(minutes=1))
    response = sign_in("alice", "alice-password-1")
    assert response.status_code == 302
    assert response.client.session["_auth_user_id"] == str(alice.pk)


def test_failures_older_than_the_window_are_dropped(alice):
    sign_in("alice", "wrong-password")
    SignInFailure.objects.update(failed_at=F("failed_at") - dt.timedelta(minutes=15))
    sign_in("bob", "wrong-password")
    assert list(SignInFailure.objects.values_list("username", flat=True)) == ["bob"]


def test_failures_at_the_app_sign_in_throttle_the_admin_sign_in_too(alice):
    User.objects.filter(pk=alice.pk).update(is_staff=True, is_superuser=True)
    for _attempt in range(5):
        sign_in("alice", "wrong-password")
    response = sign_in("alice", "alice-password-1", url="/admin/login/")
    assert form_errors(response) == [THROTTLED]
    assert "_auth_user_id" not in response.client.session


def test_the_client_address_is_the_peer_unless_a_proxy_is_trusted(rf, settings):
    request = rf.post("/login/", REMOTE_ADDR="127.0.0.1",
                      HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")  # fmt: skip
    assert client_address(request) == "127.0.0.1"
    settings.CLIENT_ADDRESS_FROM_FORWARDED_FOR = True
    assert client_address(request) == "203.0.113.7"


# 5. Test speed


def test_tests_hash_passwords_with_the_fast_hasher(alice):
    assert identify_hasher(alice.password).algorithm == "md5"
