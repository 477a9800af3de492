"""The API docs page works offline: swagger-ui comes from django-ninja's static files."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db


def test_the_api_docs_load_every_asset_from_this_site(client):
    # given the docs page
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    # when its scripts and stylesheets are listed
    assets = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html) + re.findall(
        r'<link[^>]*\shref="([^"]+)"', html
    )
    # then there are swagger-ui's, none from another site, and each one is served
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    assert "/static/ninja/swagger-ui.css" in assets
    for url in assets:
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc) == ("", ""), url
        assert url.startswith("/"), url
        asset = client.get(url)
        assert asset.status_code == 200, url
        assert b"".join(asset.streaming_content if asset.streaming else [asset.content]), url


def test_the_api_docs_never_ask_the_online_validator(client):
    html = client.get("/api/v1/docs").content.decode()
    settings_json = re.search(
        r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S
    )
    assert settings_json is not None
    assert json.loads(settings_json.group(1))["validatorUrl"] is None
