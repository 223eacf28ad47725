"""Uploaded files never run in the portal's origin (security/headers.py, the downloads'
policy): resource downloads and uploaded images under /uploads/ are sandboxed
(``Content-Security-Policy: sandbox; default-src 'none'``), never sniffed, and every active
or unknown type (HTML, XHTML, SVG, JavaScript, XML, a type the publisher declared) is an
attachment of a neutral type, whatever its name, declared format or content. CSV, PDF and
images still open or download as before, byte for byte."""
from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import pytest
import ckan.plugins.toolkit as tk
from werkzeug.datastructures import FileStorage

from ckanext.hautegaronne.tests.browser import data

SCRIPT = b"<script>fetch('/api/3/action/package_patch', {method: 'POST'})</script>"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# file name, content, declared mimetype (None: CKAN's guess from the name)
ACTIVE = [
    ("rapport.html", b"<html><body>" + SCRIPT + b"</body></html>", None),
    ("page.xhtml", b'<html xmlns="http://www.w3.org/1999/xhtml">' + SCRIPT + b"</html>", None),
    ("carte.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     None),
    ("outil.js", b"fetch('/api/3/action/package_patch', {method: 'POST'});", None),
    ("donnees.xml", b'<?xml-stylesheet type="text/xsl" href="#"?><a/>', None),
    # a harmless name with an active declared type, and an unknown type
    ("photo.png", b"<html>" + SCRIPT + b"</html>", "text/html"),
    ("donnees.csv", b"<html>" + SCRIPT + b"</html>", "application/xhtml+xml"),
    ("archive.bin", b"\x00\x01<html>" + SCRIPT, None),
]
PASSIVE = [
    ("comptages.csv", b"point;trafic\nD820;12000\n", "text/csv"),
    ("rapport.pdf", PDF, "application/pdf"),
    ("photo.png", PNG, "image/png"),
    ("lisez-moi.txt", b"Bonjour\n", "text/plain"),
]


@pytest.fixture
def dataset(clean_all):
    org = data.commune("31458")  # Roques
    return data.published_dataset(org)


def _upload(dataset: dict, name: str, content: bytes, mimetype) -> dict:
    fields = {"package_id": dataset["id"], "name": name, "url": name,
              "upload": FileStorage(io.BytesIO(content), filename=name)}
    if mimetype:
        fields["mimetype"] = mimetype
    if name.endswith(".js"):
        # no listed format has this extension: the uploader declares one, any one
        fields["format"] = "TXT"
    return tk.get_action("resource_create")(data.site_context(), fields)


def _download(app, resource: dict):
    path = urlsplit(resource["url"]).path
    assert "/download/" in path, resource["url"]
    return app.get(path)


def _assert_sandboxed(response, where):
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy.split(";")[0].strip() == "sandbox", (where, policy)
    assert "default-src 'none'" in policy and "script-src" not in policy, (where, policy)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where


@pytest.mark.parametrize("name,content,mimetype", ACTIVE,
                         ids=[f"{a[0]}-{a[2]}" for a in ACTIVE])
def test_an_active_upload_is_a_sandboxed_attachment_of_a_neutral_type(app, dataset, name,
                                                                       content, mimetype):
    response = _download(app, _upload(dataset, name, content, mimetype))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/octet-stream", name
    disposition = response.headers.get("Content-Disposition", "")
    assert disposition.startswith("attachment") and name in disposition, disposition
    _assert_sandboxed(response, name)
    assert response.get_data() == content  # still downloaded as uploaded


@pytest.mark.parametrize("name,content,mimetype", PASSIVE, ids=[a[0] for a in PASSIVE])
def test_csv_pdf_images_and_text_still_open_as_before(app, dataset, name, content, mimetype):
    response = _download(app, _upload(dataset, name, content, None))
    assert response.status_code == 200
    assert response.mimetype == mimetype, (name, response.headers["Content-Type"])
    assert not response.headers.get("Content-Disposition", "").startswith("attachment")
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy, policy
    if mimetype == "application/pdf":
        # Chromium and Safari refuse to show a PDF in a sandboxed document
        assert "sandbox" not in policy and "object-src 'self'" in policy, policy
    else:
        _assert_sandboxed(response, name)
    assert response.get_data() == content


def test_the_download_policy_does_not_touch_the_portals_pages(app, dataset):
    resource = _upload(dataset, "rapport.html", b"<html></html>", None)
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "sandbox" not in page.headers["Content-Security-Policy"]
    # nor the error page of a download that does not exist
    missing = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}x/download/a.html")
    assert missing.status_code == 404 and "sandbox" not in missing.headers.get(
        "Content-Security-Policy", "")


@pytest.mark.parametrize("name,content,sandboxed_type", [
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
     "application/octet-stream"),
    ("page.html", b"<html>" + SCRIPT + b"</html>", "application/octet-stream"),
    ("logo.png", PNG, "image/png"),
], ids=["svg", "html", "png"])
def test_uploaded_images_are_served_under_the_same_policy(app, dataset, name, content,
                                                          sandboxed_type):
    # CKAN accepts PNG, GIF and JPEG images only; a file already in the storage (an older
    # upload, another tool) is served under the same policy all the same
    org = tk.get_action("organization_patch")(data.site_context(), {
        "id": dataset["owner_org"], "image_url": "logo.png",
        "image_upload": FileStorage(io.BytesIO(PNG), filename="logo.png",
                                    content_type="image/png")})
    folder = os.path.join(tk.config["ckan.storage_path"], "storage", "uploads", "group")
    stored = os.path.join(folder, "test-" + name)
    with open(stored, "wb") as handle:
        handle.write(content)
    path = f"/uploads/group/test-{name}"
    if name == "logo.png":
        path = urlsplit(org["image_display_url"]).path
        assert path.startswith("/uploads/group/"), path
    response = app.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == sandboxed_type, response.headers["Content-Type"]
    _assert_sandboxed(response, path)
    if sandboxed_type == "application/octet-stream":
        assert response.headers["Content-Disposition"].startswith("attachment")
    else:
        assert not response.headers.get("Content-Disposition", "").startswith("attachment")
