"""Validation of files against a Table Schema: French files as they come (separators,
encodings, decimal commas as the schema allows), French reports, bounded checks."""
from __future__ import annotations

import json

import pytest

from ckanext.hautegaronne.conformity import validate

pytestmark = pytest.mark.ckan_config("ckan.locale_default", "fr")

COUNTS = json.loads((__import__("pathlib").Path(__file__).parent /
                     "site/schemas/comptage-mobilites/0.2.0/schema.json").read_text())
IRVE = json.loads((__import__("pathlib").Path(__file__).parent /
                   "site/schemas/irve-statique/2.3.1/schema.json").read_text())
HEADER = "id_site,nom_site,date_heure,mode,sens,comptage,lat,lon\n"
GOOD_ROW = "S1,Pont Neuf,2025-06-01T08:00:00,velo,entrant,42,43.6,1.44\n"


def xlsx_bytes(header: str, rows: list[str]) -> bytes:
    """A real XLSX workbook (openpyxl) of the CSV lines given, typed as a spreadsheet
    holds them: numbers as numbers, the rest as text."""
    import io

    from openpyxl import Workbook

    def cell(text: str):
        for kind in (int, float):
            try:
                return kind(text)
            except ValueError:
                pass
        return text

    book = Workbook()
    sheet = book.active
    sheet.append(header.strip().split(","))
    for row in rows:
        sheet.append([cell(value) for value in row.strip().split(",")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def check(tmp_path, text: str, schema=COUNTS, fmt="CSV", encoding="utf-8", **limits):
    path = tmp_path / "data.csv"
    path.write_bytes(text.encode(encoding))
    options = {"max_rows": 1_000_000, "max_seconds": 300, "max_errors": 100, **limits}
    return validate.validate_file(str(path), fmt, schema, **options)


def test_a_conforming_file(tmp_path):
    report = check(tmp_path, HEADER + GOOD_ROW * 3)
    assert (report["status"], report["rows"], report["error_count"]) == ("conforming", 3, 0)


def test_semicolons_and_a_bom_are_read(tmp_path):
    report = check(tmp_path, "\ufeff" + (HEADER + GOOD_ROW).replace(",", ";").replace("43.6", "43.6"))
    assert report["status"] == "conforming", report["errors"]


def test_errors_say_where_what_is_expected_and_how_to_fix(tmp_path):
    report = check(tmp_path, HEADER + GOOD_ROW
                   + "S2,Gare,2025-06-01T08:00:00,trottinette,entrant,-3,43.6,1.44\n"
                   + "S3,Gare,hier,velo,entrant,12,43.6,1.44\n")
    assert report["status"] == "not-conforming"
    assert report["error_count"] == 3
    mode, count, date = report["errors"]
    assert (mode["row"], mode["column"], mode["cell"]) == (3, "mode", "trottinette")
    assert mode["expected"] == "une des valeurs : velo, pieton, voiture, poids lourd"
    assert (count["column"], count["cell"]) == ("comptage", "-3")
    assert count["expected"] == "une valeur comprise entre 0 et ∞"
    assert (date["row"], date["column"]) == (4, "date_heure")
    assert date["expected"].startswith("une date et une heure")
    assert date["fix"].startswith("Corrigez la cellule")


def test_a_decimal_comma_where_the_schema_expects_a_point(tmp_path):
    report = check(tmp_path, (HEADER + GOOD_ROW.replace("43.6", '"43,6"')))
    (error,) = report["errors"]
    assert (error["column"], error["cell"]) == ("lat", "43,6")
    assert error["fix"] == "Écrivez le séparateur décimal avec un point (12.5 et non 12,5)."


def test_a_decimal_comma_where_the_schema_allows_it(tmp_path):
    report = check(tmp_path, "id_pdc_itinerance;nom_station;puissance_nominale;date_mise_en_service\n"
                             "FRS31E0001;Mairie;22,5;2024-03-01\n", schema=IRVE)
    assert report["status"] == "conforming", report["errors"]


def test_a_windows_1252_file_is_reported_and_still_checked(tmp_path):
    report = check(tmp_path, HEADER + GOOD_ROW.replace("Pont Neuf", "Périphérique")
                   + GOOD_ROW.replace("42", "quarante"), encoding="cp1252")
    assert report["status"] == "not-conforming"
    encoding, count = report["errors"]
    assert encoding["type"] == "encoding"
    assert "UTF-8" in encoding["fix"]
    assert (count["row"], count["column"]) == (3, "comptage")


def test_wrong_columns_name_the_schema_columns(tmp_path):
    report = check(tmp_path, HEADER.replace("comptage", "nombre") + GOOD_ROW)
    assert report["status"] == "not-conforming"
    assert report["errors"][0]["row"] == 1
    assert "id_site, nom_site, date_heure, mode, sens, comptage, lat, lon" in report["errors"][0]["expected"]


def test_a_schema_of_500_fields(tmp_path):
    schema = {"fields": [{"name": f"col{i}", "type": "integer"} for i in range(500)]}
    text = ",".join(f"col{i}" for i in range(500)) + "\n" + ",".join("1" for _ in range(500)) + "\n"
    assert check(tmp_path, text * 1, schema=schema)["status"] == "conforming"


def test_the_first_errors_are_kept_and_all_are_counted(tmp_path):
    report = check(tmp_path, HEADER + GOOD_ROW.replace("42", "x") * 50, max_errors=10)
    assert (report["error_count"], len(report["errors"])) == (50, 10)


def test_a_title_row_above_the_header_is_skipped_as_the_load_skips_it(tmp_path):
    # a newcomer's correct file, exported with its title row, was reported with ten errors
    # (the title read as the header, the header as data)
    title = "Comptages vélo de Colomiers - juin 2025\n"
    report = check(tmp_path, title + (HEADER + GOOD_ROW * 3).replace(",", ";"))
    assert (report["status"], report["rows"], report["error_count"]) == ("conforming", 3, 0), \
        report["errors"]
    bad = check(tmp_path, title + (HEADER + GOOD_ROW.replace("42", "beaucoup")).replace(",", ";"))
    assert bad["error_count"] == 1 and bad["errors"][0]["row"] == 3, bad["errors"]


def test_a_long_file_stops_where_the_report_says(tmp_path):
    report = check(tmp_path, HEADER + GOOD_ROW * 120, max_rows=100)
    assert report["status"] == "unfinished"
    assert report["stopped"]["row"] == 101
    assert report["stopped"]["reason"] == "la vérification s'arrête après 100 lignes"


def test_a_file_that_is_not_a_table(tmp_path):
    path = tmp_path / "data.xlsx"
    path.write_bytes(b"not a spreadsheet")
    report = validate.validate_file(str(path), "XLSX", COUNTS, max_rows=10, max_seconds=10,
                                    max_errors=10)
    assert report["status"] == "not-conforming"
    assert report["errors"][0]["fix"].startswith("Vérifiez le format")


def _xlsx(tmp_path, rows: list[str]) -> dict:
    path = tmp_path / "comptages.xlsx"
    path.write_bytes(xlsx_bytes(HEADER, rows))
    return validate.validate_file(str(path), "XLSX", COUNTS, max_rows=1000, max_seconds=60,
                                  max_errors=100)


def test_a_conforming_xlsx_workbook(tmp_path):
    report = _xlsx(tmp_path, [GOOD_ROW] * 3)
    assert (report["status"], report["rows"], report["error_count"]) == ("conforming", 3, 0)


def test_a_non_conforming_xlsx_workbook(tmp_path):
    report = _xlsx(tmp_path, [GOOD_ROW, GOOD_ROW.replace("velo", "trottinette"),
                              GOOD_ROW.replace("42", "beaucoup")])
    assert (report["status"], report["rows"], report["error_count"]) == ("not-conforming", 3, 2)
    enum, kind = report["errors"]
    assert (enum["row"], enum["column"], enum["cell"]) == (3, "mode", "trottinette")
    assert enum["expected"] == "une des valeurs : velo, pieton, voiture, poids lourd"
    assert (kind["row"], kind["column"], kind["cell"]) == (4, "comptage", "beaucoup")
    assert kind["expected"] == "un nombre entier (ex. 42)"
