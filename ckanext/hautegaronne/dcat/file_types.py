"""Resource formats: the EU file-type vocabulary (authority table ``file-type``), with French
labels, media types and file extensions.

``data/file_types.csv`` lists every type of the table (built from the EU's SKOS export by
``scripts/build_file_types.py``, see ``data/README.md``): the EU code, the label stored in the resource's ``format``
(CKAN's habit: ``CSV``, ``GeoJSON``), a French description, the IANA media type, the file
extensions and the other names a person types; and, for the quality score, whether the
format is machine-readable and non-proprietary (data.europa.eu's MQA lists). The types the
portal's publishers use most come first: they win a shared extension or name.
"""
from __future__ import annotations

import csv
import functools
import re
from importlib import resources
from typing import NamedTuple, Optional
from urllib.parse import unquote, urlsplit

from .. import vocabularies


class FileType(NamedTuple):
    code: str
    label: str
    label_fr: str
    media_type: str
    extensions: tuple[str, ...]
    machine_readable: bool
    non_proprietary: bool

    @property
    def iri(self) -> str:
        return vocabularies.FILE_TYPE_BASE + self.code


def _table() -> str:
    return resources.files(__package__).joinpath("data", "file_types.csv").read_text(
        encoding="utf-8")


@functools.cache
def file_types() -> tuple[FileType, ...]:
    text = _table()
    return tuple(
        FileType(row["code"], row["label"], row["label_fr"], row["media_type"],
                 tuple(row["extensions"].split()), row["machine_readable"] == "1",
                 row["non_proprietary"] == "1")
        for row in csv.DictReader(text.splitlines()))


def _key(text: str) -> str:
    return re.sub(r"[\s_./-]+", " ", text.strip().lower()).strip()


@functools.cache
def _names() -> dict[str, FileType]:
    """Every name of a type, normalised: code, label, extensions, media type, aliases."""
    text = _table()
    aliases = {row["code"]: row["aliases"].split(",") for row in csv.DictReader(text.splitlines())}
    names: dict[str, FileType] = {}
    for file_type in file_types():
        for name in (file_type.code, file_type.label, file_type.media_type, *file_type.extensions,
                     *(a for a in aliases[file_type.code] if a)):
            names.setdefault(_key(name), file_type)
    return names


# What may surround a format's name when typed in a hurry ("csv;", " .CSV ", "'xlsx'").
_TRIM = " \t\r\n.;,:'\"`"


def find(value: Optional[str]) -> Optional[FileType]:
    """The type a typed format names (code, label, extension, media type, usual name),
    or None."""
    if not value:
        return None
    return _names().get(_key(str(value).strip(_TRIM)))


@functools.cache
def _extensions() -> dict[str, FileType]:
    found: dict[str, FileType] = {}
    for file_type in file_types():
        for extension in file_type.extensions:
            found.setdefault(extension, file_type)
    return found


def extension(url: Optional[str]) -> str:
    """The extension of a file's name (an uploaded file or a link), lower case, without
    the dot; "" when the name has none."""
    if not url:
        return ""
    path = unquote(urlsplit(str(url)).path if "://" in str(url) else str(url))
    name = path.rsplit("/", 1)[-1]
    return name.split(".", 1)[1].lower() if "." in name.strip(".") else ""


def from_address(url: Optional[str]) -> Optional[FileType]:
    """The type of a file from its name's extension (an uploaded file or a link), the
    longest known one first (``.tar.gz`` before ``.gz``)."""
    suffixes = extension(url).split(".")
    for start in range(len(suffixes)):
        found = _extensions().get(".".join(suffixes[start:]))
        if found is not None:
            return found
    return None


def from_media_type(mimetype: Optional[str]) -> Optional[FileType]:
    """The type of a media type (``application/geopackage+sqlite3``), parameters aside; the
    generic ``application/octet-stream`` names no format."""
    text = str(mimetype or "").split(";", 1)[0].strip().lower()
    if not text or text == "application/octet-stream":
        return None
    return next((t for t in file_types() if t.media_type == text), None)


def examples() -> str:
    return ", ".join(t.label for t in file_types()[:12])
