"""Runs inside a portal configured by an ini file (like the `ckan` command does), for the
backup tests: ``python -m ckanext.hautegaronne.tests.operations.portal INI populate|inventory``.

``populate`` adds, on top of the demo content, users with each role in publishers, an
uploaded binary resource and a publisher's image. ``inventory`` prints as JSON what a user
relies on: every dataset (with its resources), publisher (with its members and their
capacities), user, uploaded file (path under the storage and sha256), and what a search for
each dataset's title finds.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import sys

SITE = {"ignore_auth": True}
DEPARTEMENT = "departement-haute-garonne"
# Not text in any encoding: a byte-for-byte comparison catches any transcoding.
BINARY = bytes(range(256)) * 64
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201a2dd6f3d0000000049454e44ae426082")


def _action(action: str, **data):
    import ckan.plugins.toolkit as tk

    user = tk.get_action("get_site_user")(dict(SITE), {})["name"]
    # use_cache off: package_show reads the database, not the copy indexed in Solr.
    return tk.get_action(action)({"user": user, "ignore_auth": True, "use_cache": False}, data)


def _organizations() -> list[str]:
    # every organisation, whatever its state in organization_list's paging
    from ckan import model

    return [name for (name,) in model.Session.query(model.Group.name).filter(
        model.Group.is_organization, model.Group.state == "active").order_by(model.Group.name)]


def populate() -> dict:
    from werkzeug.datastructures import FileStorage

    orgs = _organizations()
    other = next(name for name in orgs if name != DEPARTEMENT)
    created = {}
    for name, org, role in (("redactrice-31", DEPARTEMENT, "editor"), ("lecteur-31", DEPARTEMENT, "member"),
                            ("admin-commune", other, "admin"), ("lecteur-31", other, "editor")):
        if name not in created:
            created[name] = _action("user_create", name=name, email=f"{name}@example.invalid",
                                    password="Motdepasse-de-test-31", fullname=name.title())
        _action("organization_member_create", id=org, username=name, role=role)
    dataset = _action("package_search", fq=f"organization:{DEPARTEMENT}", rows=1,
                      include_private=True)["results"][0]
    resource = _action("resource_create", package_id=dataset["id"], name="Relevé brut",
                       format="ZIP", url="releve.zip",
                       upload=FileStorage(io.BytesIO(BINARY), filename="releve.zip",
                                          content_type="application/octet-stream"))
    _action("organization_patch", id=DEPARTEMENT, image_url="logo.png",
            image_upload=FileStorage(io.BytesIO(PNG), filename="logo.png", content_type="image/png"))
    return {"dataset": dataset["name"], "resource": resource["id"]}


def _sha256(path: str) -> str | None:
    if not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def inventory() -> dict:
    import ckan.plugins.toolkit as tk
    from ckan import model

    storage = tk.config["ckan.storage_path"]
    names = [name for (name,) in model.Session.query(model.Package.name)
             .filter(model.Package.state == "active").order_by(model.Package.name)]
    datasets = {name: _action("package_show", id=name) for name in names}
    organizations, members = {}, {}
    for name in _organizations():
        organizations[name] = _action("organization_show", id=name, include_users=True,
                                      include_datasets=False, include_extras=True)
        members[name] = sorted(map(list, _action("member_list", id=name, object_type="user")))
    users = {u["name"]: _action("user_show", id=u["id"], include_plugin_extras=True)
             for u in _action("user_list", all_fields=True, include_site_user=True)}
    files = {}
    for dataset in datasets.values():
        for resource in dataset["resources"]:
            if resource.get("url_type") == "upload":
                rid = resource["id"]
                relative = os.path.join("resources", rid[0:3], rid[3:6], rid[6:])
                files[relative] = _sha256(os.path.join(storage, relative))
    for org in organizations.values():
        image = org.get("image_url") or ""
        if image and "://" not in image:
            relative = os.path.join("storage", "uploads", "group", image)
            files[relative] = _sha256(os.path.join(storage, relative))
    search = {name: sorted(r["name"] for r in _action(
        "package_search", q=d["title"], rows=1000, include_private=True)["results"])
        for name, d in datasets.items()}
    return {"storage": storage, "datasets": datasets, "organizations": organizations,
            "members": members, "users": users, "files": files, "search": search}


def main() -> int:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    ini, command = sys.argv[1:3]
    app = make_app(load_config(ini))
    with app._wsgi_app.test_request_context():
        result = populate() if command == "populate" else inventory()
    sys.stdout.write("\n@@JSON@@" + json.dumps(result, sort_keys=True, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
