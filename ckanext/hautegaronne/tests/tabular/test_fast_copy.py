"""What the COPY path reads of a file before handing it to PostgreSQL: encoding, delimiter,
header row (a title row above it skipped), and the files it refuses or leaves to xloader."""
from __future__ import annotations

import pytest

from ckanext.hautegaronne.tabular import fast_copy

from . import loading

COLUMNS = ["Commune", "Code INSEE", "Date de comptage", "Véhicules/jour",
           "Part poids lourds (%)", "Observation"]


@pytest.mark.parametrize("filename,encoding,delimiter", [
    ("comptages-windows-1252.csv", "WIN1252", ";"),
    ("comptages-iso-8859-1.csv", "WIN1252", ";"),  # the same bytes for these characters
    ("comptages-utf-8.csv", "UTF8", ";"),
    ("comptages-utf-8-bom.csv", "UTF8", ";"),
    ("comptages-tabulations.tsv", "UTF8", "\t"),
])
def test_the_corpus_layouts(filename, encoding, delimiter):
    path = loading.CORPUS / filename
    layout = fast_copy.read_layout(str(path))
    assert (layout.encoding, layout.delimiter, layout.headers) == (encoding, delimiter, COLUMNS)
    data = path.read_bytes()[layout.data_offset:]
    assert data.startswith("Bagnères".encode("utf-8" if encoding == "UTF8" else "cp1252"))


def test_a_title_row_and_a_blank_line_above_the_header_are_skipped(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("Comptages routiers 2025\r\n\r\nCommune;Comptage;Date\r\n"
                     "Muret;830;01/02/2025\r\nRoques;12;02/02/2025\r\n".encode("cp1252"))
    layout = fast_copy.read_layout(str(path))
    assert layout.headers == ["Commune", "Comptage", "Date"]
    assert path.read_bytes()[layout.data_offset:].startswith(b"Muret;")


def test_bytes_windows_1252_leaves_undefined_are_read_as_iso_8859_1(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"commune;note\r\nMuret;\x81\xe9t\xe9\r\n")
    assert fast_copy.read_layout(str(path)).encoding == "LATIN1"


def test_a_binary_file_is_refused_in_french(tmp_path):
    path = tmp_path / "image.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    with pytest.raises(fast_copy.RefusedFile, match="n'est pas un tableau au format texte"):
        fast_copy.read_layout(str(path))


def test_headers_xloader_must_clean_are_left_to_it(tmp_path):
    path = tmp_path / "vides.csv"
    path.write_bytes(b"commune;;note;note\r\nMuret;;1;2\r\n")
    with pytest.raises(fast_copy.NotForFastPath):
        fast_copy.read_layout(str(path))
