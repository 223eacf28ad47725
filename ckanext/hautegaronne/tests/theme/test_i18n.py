"""French first: every string of the plugin has a French translation.

The strings are extracted from the sources exactly as `scripts/i18n.sh
extract` does (babel.cfg), so a string added without running the i18n pass
makes this test fail, naming it."""
from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import yaml
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[4]
PACKAGE = ROOT / "ckanext" / "hautegaronne"
I18N = PACKAGE / "i18n"
DOMAIN = "ckanext-hautegaronne"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None,
            "ungettext": (1, 2), "tk._": None}
# Schema keys whose values are shown to users.
SCHEMA_TEXT_KEYS = {"label", "help_text", "form_placeholder", "repeating_label"}


def _source_messages() -> set:
    with open(ROOT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    ids = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map, options_map, keywords=KEYWORDS):
        ids.add(message if isinstance(message, str) else tuple(message))
    return ids


def _catalog(lang: str):
    with open(I18N / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as po:
        return read_po(po, locale=lang)


def test_every_plugin_string_has_a_french_translation():
    source = _source_messages()
    assert len(source) > 100  # the extraction really found the plugin's strings
    catalog = _catalog("fr")
    missing = []
    for msgid in sorted(source, key=str):
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        message = catalog.get(key)
        strings = message.string if message is not None else None
        if isinstance(strings, str):
            strings = (strings,)
        if message is None or message.fuzzy or not strings or not all(strings):
            missing.append(key)
    assert not missing, (f"{len(missing)} string(s) without a French translation; run "
                         "`bash scripts/i18n.sh extract`, translate, compile:\n  "
                         + "\n  ".join(missing))


def test_compiled_french_catalog_matches_the_po_file():
    catalog = _catalog("fr")
    with open(I18N / "fr" / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as mo:
        compiled = read_mo(mo)
    def norm(strings):
        return tuple(strings) if isinstance(strings, (list, tuple)) else strings

    stale = [m.id for m in catalog if m.id and m.string and not m.fuzzy
             and (compiled.get(m.id) is None or norm(compiled.get(m.id).string) != norm(m.string))]
    assert not stale, "the .mo is older than the .po; run `bash scripts/i18n.sh compile`:\n  " \
        + "\n  ".join(map(str, stale))


def test_every_catalogue_passes_gnu_msgfmt_check():
    """GNU gettext (and Poedit, translation platforms) refuse a catalogue that Babel
    accepts, e.g. an obsolete entry duplicating a live one; every .po must pass."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is missing (scripts/install.sh installs gettext)"
    catalogues = sorted(PACKAGE.rglob("*.po"))
    assert {po.parent.parent.name for po in catalogues} >= {"fr", "en"}
    failures = []
    for po in catalogues:
        result = subprocess.run([msgfmt, "-c", "--check", "-o", "/dev/null", str(po)],
                                capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{po.relative_to(ROOT)}:\n{result.stderr}")
    assert not failures, "msgfmt -c --check fails:\n" + "\n".join(failures)


def test_english_catalog_exists_and_translates_through_gettext():
    assert (I18N / "en" / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file()
    french = gettext.translation(DOMAIN, localedir=str(I18N), languages=["fr"])
    assert french.gettext("Publish your data") == "Publier vos données"
    assert french.ngettext("{n} dataset", "{n} datasets", 2) == "{n} jeux de données"


def _texts(node, path=""):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SCHEMA_TEXT_KEYS:
                yield f"{path}.{key}", value
            else:
                yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            name = item.get("field_name", index) if isinstance(item, dict) else index
            yield from _texts(item, f"{path}[{name}]")


def test_schema_labels_are_given_in_french_and_english():
    untranslated = []
    for schema in sorted((PACKAGE / "schemas").rglob("*.yaml")):
        data = yaml.safe_load(schema.read_text(encoding="utf-8"))
        for where, value in _texts(data):
            if not (isinstance(value, dict) and value.get("fr") and value.get("en")):
                untranslated.append(f"{schema.name}{where}: {value!r}")
    assert not untranslated, "schema texts without both fr and en:\n  " + "\n  ".join(untranslated)
