"""A Content Security Policy without inline scripts, and pages that need none."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import ServiceFactory

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


@pytest.mark.django_db
def test_pages_carry_a_policy_that_allows_only_our_own_scripts_and_styles(client):
    directives = _directives(client.get(reverse("login")))

    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)


def _assert_no_inline_code(response):
    assert response.status_code in (200, 403, 429), response.status_code
    html = response.content.decode()
    assert not INLINE_SCRIPT.findall(html)
    assert not STYLE_ELEMENT.findall(html)
    assert not STYLE_ATTRIBUTE.findall(html)
    assert not HANDLER_ATTRIBUTE.findall(html)
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize("name", ["login", "web:accessibility"])
@pytest.mark.django_db
def test_public_pages_have_no_inline_script_style_or_handler(client, name):
    _assert_no_inline_code(client.get(reverse(name)))


@pytest.mark.django_db
def test_staff_pages_have_no_inline_script_style_or_handler(librarian_client):
    service = ServiceFactory(key="pas", name_da="Pas")
    for url in (
        reverse("web:home"),
        reverse("web:services"),
        reverse("web:services") + "?q=pas",
        reverse("web:service", args=[service.key]),
        reverse("web:life_events"),
    ):
        _assert_no_inline_code(librarian_client.get(url))
    # The fragment htmx swaps in while searching.
    _assert_no_inline_code(librarian_client.get(reverse("web:services") + "?q=pas", HTTP_HX_REQUEST="true"))


@pytest.mark.django_db
def test_the_lockout_page_has_no_inline_code(client, librarian):
    for _ in range(5):
        response = client.post(reverse("login"), {"username": "lise", "password": "forkert"})
    assert response.status_code == 429
    _assert_no_inline_code(response)


@pytest.mark.django_db
def test_htmx_injects_no_indicator_style_and_the_stylesheet_has_it(client):
    html = client.get(reverse("login")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
    assert meta, "base.html must configure htmx"
    config = json.loads(meta.group(1))
    assert config["includeIndicatorStyles"] is False
    assert config.get("allowEval", True) is False

    with open(finders.find("web/skranke.css"), encoding="utf-8") as css:
        assert ".htmx-request .htmx-indicator" in css.read()


@pytest.mark.django_db
def test_admin_pages_have_no_inline_code_either(client, librarian):
    user = librarian.user
    user.is_superuser = user.is_staff = True
    user.save()
    client.force_login(user)
    for url in (
        reverse("admin:index"),
        reverse("admin:organisation_staffmember_changelist"),
        reverse("admin:organisation_staffmember_add"),
        reverse("admin:organisation_staffmember_change", args=[librarian.pk]),
        reverse("admin:organisation_site_add"),
    ):
        _assert_no_inline_code(client.get(url))
