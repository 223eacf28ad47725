"""Writes ckan.ini from config/ckan.ini.in, with per-installation secrets.

Secrets are generated once into var/secrets.env (mode 600) and reused, so
re-running keeps sessions, API tokens and the database password valid.
"""
from __future__ import annotations

import os
import secrets
import string
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("HG_VAR", ROOT / "var"))
SECRETS = VAR / "secrets.env"
SECRET_NAMES = ("HG_DB_PASSWORD", "HG_SECRET_KEY", "HG_ADMIN_PASSWORD", "HG_DATASTORE_RO_PASSWORD")


def load_secrets() -> dict[str, str]:
    values: dict[str, str] = {}
    if SECRETS.exists():
        for line in SECRETS.read_text().splitlines():
            key, sep, value = line.partition("=")
            if sep:
                values[key.strip()] = value.strip()
    missing = [name for name in SECRET_NAMES if not values.get(name)]
    if missing:
        for name in missing:
            values[name] = secrets.token_urlsafe(24)
        VAR.mkdir(parents=True, exist_ok=True)
        SECRETS.write_text("".join(f"{k}={v}\n" for k, v in sorted(values.items())))
        SECRETS.chmod(0o600)
    return values


def default_sender(site_url: str) -> str:
    """A sender derived from the site (SMTP_MAIL_FROM overrides it): noreply@<host>, or
    noreply@localhost for a site served on an IP address (no domain to send from)."""
    configured = os.environ.get("SMTP_MAIL_FROM", "").strip()
    if configured:
        return configured
    host = (urlsplit(site_url).hostname or "localhost").rstrip(".")
    if host.replace(".", "").isdigit() or ":" in host:
        host = "localhost"
    return f"ne-pas-repondre@{host}"


# The placeholder of config_declaration.yaml: `make up` says how to replace it.
PLACEHOLDER_CONTACT = "opendata@example.invalid"


def contact_email() -> str:
    """The open-data team's address of the editorial pages (CONTACT_EMAIL), or the
    declared placeholder."""
    return os.environ.get("CONTACT_EMAIL", "").strip() or PLACEHOLDER_CONTACT


def main() -> int:
    values = load_secrets()
    if len(sys.argv) > 1 and sys.argv[1] == "--print-secrets":
        for key in SECRET_NAMES:
            print(f"{key}={values[key]}")
        return 0
    pg_port = os.environ.get("PG_PORT", "5433")
    site_url = os.environ.get("CKAN_SITE_URL", f"http://127.0.0.1:{os.environ.get('CKAN_PORT', '5000')}")
    context = {
        "SITE_URL": site_url,
        "SITE_ID": "hautegaronne",
        "SECRET_KEY": values["HG_SECRET_KEY"],
        "SQLALCHEMY_URL": f"postgresql://ckan:{values['HG_DB_PASSWORD']}@127.0.0.1:{pg_port}/ckan",
        "DATASTORE_WRITE_URL": f"postgresql://ckan:{values['HG_DB_PASSWORD']}@127.0.0.1:{pg_port}/datastore",
        "DATASTORE_READ_URL": (f"postgresql://datastore_ro:{values['HG_DATASTORE_RO_PASSWORD']}"
                               f"@127.0.0.1:{pg_port}/datastore"),
        "XLOADER_SITE_URL": f"http://127.0.0.1:{os.environ.get('CKAN_PORT', '5000')}",
        # Created by up.sh once the database exists; until then xloader's own placeholder.
        "XLOADER_API_TOKEN": values.get("HG_XLOADER_API_TOKEN") or "NOT_SET",
        "SOLR_URL": f"http://127.0.0.1:{os.environ.get('SOLR_PORT', '8983')}/solr/ckan",
        "REDIS_URL": f"redis://127.0.0.1:{os.environ.get('REDIS_PORT', '6380')}/0?socket_timeout=300",
        "STORAGE_PATH": str(VAR / "storage"),
        "MAIL_FROM": default_sender(site_url),
        "CONTACT_EMAIL": contact_email(),
    }
    (VAR / "storage").mkdir(parents=True, exist_ok=True)
    target = render(ROOT / "ckan.ini", context)
    print(f"==> wrote {target}")
    return 0


def render(target: Path, context: dict[str, str]) -> Path:
    """config/ckan.ini.in with every placeholder filled (a missing one is an error), written
    private: the file holds the installation's secrets. The backup drill renders its two
    portals through here too, so a new placeholder cannot be forgotten there."""
    template = string.Template((ROOT / "config" / "ckan.ini.in").read_text(encoding="utf-8"))
    target.write_text(template.substitute(context), encoding="utf-8")
    target.chmod(0o600)
    return target


if __name__ == "__main__":
    sys.exit(main())
