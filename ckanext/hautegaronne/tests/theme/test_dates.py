"""Dates and times are shown in Europe/Paris (``ckan.display_timezone``), not in the
server's UTC: an agent who saved a dataset at 14:05 reads 14:05 in its history."""
from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.tests.browser import data

pytestmark = pytest.mark.usefixtures("clean_all")


def test_the_activity_stream_shows_paris_time(app):
    assert tk.config.get("ckan.display_timezone") == "Europe/Paris"
    org = data.commune("31458")
    editor = data.editor_of(org)
    dataset = data.published_dataset(org)
    created = datetime.datetime.fromisoformat(dataset["metadata_created"]).replace(
        tzinfo=datetime.timezone.utc)
    paris = created.astimezone(ZoneInfo("Europe/Paris"))
    assert paris.utcoffset() != datetime.timedelta(0)  # the test means something all year
    html = app.get(f"/dataset/activity/{dataset['name']}",
                   headers={"Authorization": factories.APIToken(user=editor["name"])["token"]},
                   status=200).get_data(as_text=True)
    shown = re.findall(r'class="date" (?:title|aria-label)="([^"]+)"', html)
    assert shown, "no dated activity"
    assert any(paris.strftime("%H:%M") in text for text in shown), (paris, shown)
    assert not any(created.strftime("%H:%M") in text for text in shown), (created, shown)
