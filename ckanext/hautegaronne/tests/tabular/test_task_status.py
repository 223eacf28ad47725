"""Background-task records never reveal the site user's API token, and a dataset's tasks
are read only by who may edit it. An outside attack (issue 14's review) read the token that
ckanext-xloader keeps in its task and job records: as a plain editor through
``xloader_status``, anonymously through ``task_status_show``, and with it acted as the site
user over every publisher; ``task_status_show`` also gave a private dataset's conformity
reports, cell values included, to anyone."""
from __future__ import annotations

import json
import uuid

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ..publishers import helpers as h

TOKEN = "the-site-user-token-" + uuid.uuid4().hex


@pytest.fixture
def tasks(clean_all):
    from ckanext.xloader import db

    roques, toulouse = h.onboard("31458"), h.onboard("31555")
    editor, stranger = h.member(roques, "editor"), h.member(toulouse, "editor")
    private = h.dataset(roques, private=True)
    resource_id = private["resources"][0]["id"]
    job_id = str(uuid.uuid4())
    db.init(tk.config)
    db.add_pending_job(job_id, job_type="xloader_to_datastore", api_key=TOKEN,
                       metadata={"resource_id": resource_id})
    # what ckanext-xloader's stock submission stores on the resource
    helpers.call_action("task_status_update", context=h.site_context(),
                        entity_id=resource_id, entity_type="resource", task_type="xloader",
                        key="xloader", state="pending", last_updated="2026-12-07T05:00:00",
                        value=json.dumps({"job_id": job_id, "api_key": TOKEN}), error="{}")
    helpers.call_action("task_status_update", context=h.site_context(),
                        entity_id=resource_id, entity_type="resource", task_type="conformity",
                        key="report", state="error", last_updated="2026-12-07T05:00:00",
                        value=json.dumps({"errors": [{"cell": "a private value"}]}), error="")
    return {"resource_id": resource_id, "editor": editor, "stranger": stranger}


def _call(app, action, data, user=None):
    headers = {"Authorization": h.token(user)} if user else {}
    return app.post(f"/api/action/{action}", json=data, headers=headers, expect_errors=True)


def test_a_task_is_read_by_the_datasets_editors_only(app, tasks):
    for key, task_type in (("xloader", "xloader"), ("report", "conformity")):
        query = {"entity_id": tasks["resource_id"], "task_type": task_type, "key": key}
        assert _call(app, "task_status_show", query).status_code == 403
        assert _call(app, "task_status_show", query, tasks["stranger"]).status_code == 403
        assert _call(app, "task_status_show", query, tasks["editor"]).status_code == 200
    # by its id too
    task_id = _call(app, "task_status_show", {"entity_id": tasks["resource_id"],
                    "task_type": "conformity", "key": "report"}, tasks["editor"]).json["result"]["id"]
    assert _call(app, "task_status_show", {"id": task_id}).status_code == 403
    # a task of nothing is not found (CKAN looks it up first): nothing to reveal
    assert _call(app, "task_status_show", {"entity_id": "nothing", "task_type": "xloader",
                                           "key": "xloader"}, tasks["editor"]).status_code == 404


def test_no_token_leaves_the_task_or_the_load_status(app, tasks):
    task = _call(app, "task_status_show", {"entity_id": tasks["resource_id"],
                 "task_type": "xloader", "key": "xloader"}, tasks["editor"])
    assert TOKEN not in task.get_data(as_text=True)
    assert json.loads(task.json["result"]["value"])["job_id"]
    status = _call(app, "xloader_status", {"resource_id": tasks["resource_id"]}, tasks["editor"])
    assert status.status_code == 200, status.get_data(as_text=True)
    assert status.json["result"]["task_info"] is not None  # the job was read
    assert TOKEN not in status.get_data(as_text=True)
    # a sysadmin neither
    sysadmin = factories.Sysadmin()
    for action, data in (("xloader_status", {"resource_id": tasks["resource_id"]}),
                         ("task_status_show", {"entity_id": tasks["resource_id"],
                                               "task_type": "xloader", "key": "xloader"})):
        assert TOKEN not in _call(app, action, data, sysadmin).get_data(as_text=True)
