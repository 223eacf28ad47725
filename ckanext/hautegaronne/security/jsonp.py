"""No JSONP: CKAN's API wraps any GET answer in the ``callback`` parameter's text and
serves it as JavaScript from the portal's own origin, which the page policy's
``script-src 'self'`` then admits: any HTML injection could load script through it. The
portal's clients read JSON (CORS where configured); ``callback`` is refused."""
from __future__ import annotations

import json

import ckan.plugins.toolkit as tk
from flask import Response, request


def refuse_jsonp():
    if request.blueprint == "api" and "callback" in request.args:
        body = {"success": False, "error": {
            "__type": "Validation Error",
            "callback": [tk._("JSONP (the callback parameter) is not supported: "
                              "read the API's JSON answer directly.")]}}
        return Response(json.dumps(body, ensure_ascii=False), status=400,
                        mimetype="application/json")
    return None
