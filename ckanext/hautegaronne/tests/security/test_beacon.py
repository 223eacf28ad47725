"""CKAN's tracking.js posts every page view to /_tracking without a CSRF token, and CKAN
registers no route there: every page logged a 405. The portal answers the beacon (204)
and CKAN's tracking hook records it, for anonymous visitors and logged-in users alike,
with CSRF enforced as in production; other cookie-authenticated posts still need the
token."""
from __future__ import annotations

import pytest

from ckan import model
from ckan.tests import factories

from .helpers import PASSWORD, log_in

pytestmark = pytest.mark.ckan_config("WTF_CSRF_ENABLED", "true")


def _views() -> int:
    from ckanext.tracking.model import TrackingRaw
    return model.Session.query(TrackingRaw).count()


@pytest.mark.usefixtures("clean_db")
def test_page_view_beacon_is_answered_and_recorded_for_visitors_and_logged_in_users(app):
    before = _views()
    anonymous = app.post("/_tracking", data={"url": "/dataset/x", "type": "page"},
                         headers={"User-Agent": "Visiteur"}, status=None)
    assert anonymous.status_code == 204

    user = factories.User(password=PASSWORD)
    assert log_in(app, user).status_code in (302, 303)
    logged_in = app.post("/_tracking", data={"url": "/dataset/y", "type": "page"},
                         headers={"User-Agent": "Agent"}, status=None)
    assert logged_in.status_code == 204
    assert _views() == before + 2

    # the exemption is the beacon's only: a tokenless post elsewhere is still refused
    forged = app.post("/user/edit/" + user["name"], data={"fullname": "Pirate"}, status=None)
    assert forged.status_code == 400
    assert model.User.get(user["name"]).fullname != "Pirate"
