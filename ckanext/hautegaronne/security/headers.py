"""Security headers on every response of the portal (HTML pages, API, DCAT
feeds, static files, web assets, error pages), set by a Flask after_request
hook that the plugin registers through IMiddleware.

The Content-Security-Policy allows the portal's own origin only: every script
and style sheet is a file under /webassets or a plugin's public folder. The few
inline snippets that CKAN 2.12 and its extensions write themselves are allowed
by their SHA-256 hash, not by 'unsafe-inline' (nor by nonces, which would make
a cached page's header and body disagree):

- htmx (ckan/public/base/vendor/htmx.js, insertIndicatorStyles) adds a <style>
  element with its indicator classes to every page;
- ckanext-scheming's multiple_checkbox form snippet (the dataset form's themes)
  writes a <style> element, and its repeating subfields style="display:none"
  attributes (allowed with 'unsafe-hashes' and their hash);
- CKAN's resource_upload_field.html (the resource form's Upload / Link /
  Remove buttons) and API token pages use inline event handlers: allowed with
  'unsafe-hashes' and their hashes, which lets only these exact handlers run
  (an injected handler has another hash).

tests/security/test_headers.py checks these hashes against the installed
sources and the browser test checks that no page of the portal meets a
violation.

Uploaded files (resource downloads /dataset/<id>/resource/<rid>/download/...,
images under /uploads/..., CKAN's /file/... routes) are other people's content
served from the portal's origin: whatever their name, declared format or
content, they must never run there (an HTML or SVG file with a script, or a .js
file that another upload includes, would act with the reader's session). They
get a policy of their own (``download_headers``):

- ``Content-Security-Policy: sandbox; default-src 'none'...``: a document opened
  from them runs no script, submits no form, has an opaque origin (no cookie,
  no same-origin request) and loads nothing but images and styles;
- ``X-Content-Type-Options: nosniff``: a browser never takes them for another
  type (a .js upload served as anything but JavaScript does not run from a
  ``<script>`` element);
- only the passive types of ``INLINE_TYPES`` (raster images, PDF, CSV, plain
  text) keep their type and open in the browser; anything else (HTML, XHTML,
  SVG, JavaScript, XML, any type a publisher may declare) is sent as
  ``Content-Disposition: attachment`` with the neutral type
  ``application/octet-stream``: saved, never rendered;
- PDF: Chromium and Safari refuse to show a PDF in a sandboxed document, so a
  PDF gets the same policy without ``sandbox`` (the PDF viewers run a PDF's
  scripts apart from the page's origin, and nosniff keeps anything else from
  being read as a PDF viewer's page).
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

import ckan.plugins.toolkit as tk
from flask import Response, request
from werkzeug.http import parse_options_header

# <style> elements written by CKAN's libraries and snippets (see above).
STYLE_HASHES = (
    # htmx 2.0.10 indicator styles
    "'sha256-faU7yAF8NxuMTNEwVmBz+VcYeIoBQ2EMHW3WaVxCvnk='",
    # ckanext-scheming 3.1.0 scheming/form_snippets/multiple_checkbox.html
    "'sha256-wYeyfiBx7bpViux6VdzKdiiNNdV1tllfhriOjdwaE40='",
    # style="display:none" (scheming's repeating subfields: hidden templates and notices)
    "'sha256-aqNNdDLnnrDOnTNdkJpYlAxKVJtLt9CtFLklmInuUAE='",
    # style="display: none;" (datatables_view.html: the resource's dates, a tooltip source)
    "'sha256-biLFinpqYMtWHmXfkA1BPeCY0/fNt46SAZ+BBk5YUog='",
)
# Inline event handlers of CKAN 2.12's templates.
SCRIPT_HANDLER_HASHES = (
    # resource_upload_field.html: "Upload" and "Link" buttons
    "'sha256-FpdWAiA3RBpWuddjFnLcugxP42R6qjqK+gdZjxtwOv4='",
    "'sha256-F6LaVvkpYli724gUpw3eUsTe6Z+buGZAsXZSXh5E58U='",
    # its "Remove" buttons, next to the file input and next to the URL
    "'sha256-Z/m4LROcm/+b7adlxILx/HCly4VB4OqflMrYBAq48dI='",
    "'sha256-unVzTsKuavdHA12GppEm/hbjTT3zhyL+xbRDzK9UnXw='",
    # its "Clear Upload" button (a resource whose file was uploaded)
    "'sha256-zvptZW5rX9uRlqMnxEvQ6iVm0wLi7xPmIcqW2y1JvZc='",
    # user/snippets/api_token_list.html and api_token_create_form.html: the
    # token check boxes enable the "Revoke" button
    "'sha256-ZrVI5vUZG/f325B6NP6JIyXK7PKkA2jqxWw2C6+RnuI='",
    # datatables_view.html: the table's "Refit" button (its per-view values are not
    # inline: tabular/views.py)
    "'sha256-wxQy3Q0+3LBbbcjXxmudkJvjIP94hyg+J7fZh9AZ2R0='",
)

# Uploaded files: the types that open in the browser (passive content only).
INLINE_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "image/bmp",
    "application/pdf", "text/csv", "text/plain",
})
NEUTRAL_TYPE = "application/octet-stream"
_UPLOAD_DIRECTIVES = ("default-src 'none'", "img-src 'self' data:", "style-src 'unsafe-inline'",
                      "frame-ancestors 'self'", "form-action 'none'", "base-uri 'none'")
DOWNLOAD_POLICY = "; ".join(("sandbox",) + _UPLOAD_DIRECTIVES)
# The PDF viewers embed the file in a document of their own ('self' objects)
PDF_POLICY = "; ".join(_UPLOAD_DIRECTIVES + ("object-src 'self'",))

PERMISSIONS_POLICY = ("accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
                      "magnetometer=(), microphone=(), payment=(), usb=()")


def _origin(url: str) -> str:
    """scheme://host[:port] of an absolute URL ('' for a relative or empty one)."""
    parts = urlsplit((url or "").replace("{s}", "a").replace("{z}", "0")
                     .replace("{x}", "0").replace("{y}", "0"))
    if parts.scheme in ("http", "https") and parts.hostname:
        host = (url.split("://", 1)[1].split("/", 1)[0]).split("@")[-1]
        return f"{parts.scheme}://{host}"
    return ""


def default_policy() -> str:
    """The portal's policy: scripts, styles, fonts and connections from its
    own origin only; images also from any HTTPS site (publishers' logos and
    users' pictures given by URL, images in Markdown descriptions) and from
    the map tile server of ckanext.hautegaronne.map_tile_url."""
    img = ["'self'", "data:", "https:"]
    tiles = _origin(tk.config.get("ckanext.hautegaronne.map_tile_url") or "")
    if tiles:
        img.append(tiles)
    directives = [
        "default-src 'self'",
        "script-src 'self' 'unsafe-hashes' " + " ".join(SCRIPT_HANDLER_HASHES),
        "style-src 'self' 'unsafe-hashes' " + " ".join(STYLE_HASHES),
        "img-src " + " ".join(img),
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
    return "; ".join(directives)


def policy() -> str:
    """ckanext.hautegaronne.content_security_policy if set ('off': none),
    otherwise the default policy."""
    configured = (tk.config.get("ckanext.hautegaronne.content_security_policy") or "").strip()
    if configured.lower() == "off":
        return ""
    return configured or default_policy()


def is_uploaded_file() -> bool:
    """Does the current request serve a file that a user uploaded?"""
    endpoint = request.endpoint or ""
    blueprint, _dot, view = endpoint.rpartition(".")
    if view == "download" and blueprint.endswith("resource"):
        return True  # resource (and <dataset type>_resource) downloads
    if blueprint == "file":
        return True  # CKAN 2.12's file routes
    # ckan.storage_path's uploads (organisation, user and site images) are static files
    return endpoint == "static" and request.path.startswith("/uploads/")


def _file_name(response: Response) -> str:
    _value, options = parse_options_header(response.headers.get("Content-Disposition"))
    name = options.get("filename") or unquote(request.path.rstrip("/").rsplit("/", 1)[-1])
    return name or "download"


def _as_attachment(response: Response) -> None:
    name = _file_name(response)
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(c for c in ascii_name if c.isprintable() and c not in '"\\') or "download"
    options = {"filename": ascii_name}
    if ascii_name != name:
        options["filename*"] = "UTF-8''" + quote(name, safe="")
    response.headers.set("Content-Disposition", "attachment", **options)


def download_headers(response: Response) -> None:
    """The uploaded files' policy (see the module's docstring), whatever the view set."""
    media_type = (response.mimetype or "").strip().lower()
    if media_type in INLINE_TYPES:
        response.headers["Content-Security-Policy"] = (
            PDF_POLICY if media_type == "application/pdf" else DOWNLOAD_POLICY)
    else:
        response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
        response.headers["Content-Type"] = NEUTRAL_TYPE
        _as_attachment(response)
    response.headers["X-Content-Type-Options"] = "nosniff"


def make_after_request():
    """The after_request hook, with the configuration read once."""
    csp = policy()
    hsts_max_age = tk.config.get("ckanext.hautegaronne.hsts_max_age")
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "SAMEORIGIN",
        "Permissions-Policy": PERMISSIONS_POLICY,
    }
    if csp:
        headers["Content-Security-Policy"] = csp

    def add_security_headers(response: Response) -> Response:
        # the file itself (not an error page or a redirect to a linked resource)
        if (200 <= response.status_code < 300 or response.status_code == 304) \
                and is_uploaded_file():
            download_headers(response)
        for name, value in headers.items():
            # a view that chose its own value keeps it
            if name not in response.headers:
                response.headers[name] = value
        if hsts_max_age and request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", f"max-age={hsts_max_age}")
        return response

    return add_security_headers
