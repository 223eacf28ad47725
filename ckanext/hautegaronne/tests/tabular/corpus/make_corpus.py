"""Writes the corpus of French files the loading tests use, as publishers export them:
semicolons, Windows-1252 / ISO-8859-1 / UTF-8 with and without BOM, decimal commas,
dates as 31/12/2025, thousands separators, an Excel export with a title row.
Run it with the project's Python to regenerate the committed files (the CSV and TSV
byte for byte; the XLSX differs only by its timestamps)."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent

HEADER = ["Commune", "Code INSEE", "Date de comptage", "Véhicules/jour", "Part poids lourds (%)",
          "Observation"]
ROWS = [
    ["Bagnères-de-Luchon", "31042", "31/12/2025", "1\u00a0520", "12,5", "Route d'Espagne, été chargé"],
    ["Saint-Gaudens", "31483", "01/02/2025", "12\u00a0340", "8,25", "Boulevard « Jean-Bepmale »"],
    ["Muret", "31395", "15/07/2025", "980", "0,5", "Œuvre d'art : pont à réparer"],
    ["Villefranche-de-Lauragais", "31582", "28/02/2025", "2\u00a0005", "17", "Coût estimé 3\u00a0000 €"],
]


def _csv(rows, separator=";") -> str:
    return "".join(separator.join(row) + "\r\n" for row in [HEADER, *rows])


def write() -> list[Path]:
    written = []
    for name, encoding, text in [
        ("comptages-windows-1252.csv", "cp1252", _csv(ROWS)),
        # ISO-8859-1 has neither Œ nor €: the latin-1 file spells them out
        ("comptages-iso-8859-1.csv", "latin-1",
         _csv([[c.replace("Œ", "Oe").replace("€", "euros") for c in row] for row in ROWS])),
        ("comptages-utf-8.csv", "utf-8", _csv(ROWS)),
        ("comptages-utf-8-bom.csv", "utf-8-sig", _csv(ROWS)),
        ("comptages-tabulations.tsv", "utf-8", _csv(ROWS, "\t")),
    ]:
        path = HERE / name
        path.write_bytes(text.encode(encoding))
        written.append(path)
    written.append(_xlsx())
    return written


def _xlsx() -> Path:
    """An Excel export with a title row and an empty row above the header."""
    import datetime
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Comptages"
    sheet.append(["Comptages routiers 2025 - Conseil départemental de la Haute-Garonne"])
    sheet.append([])
    sheet.append(HEADER)
    for row in ROWS:
        day, month, year = (int(part) for part in row[2].split("/"))
        sheet.append([row[0], row[1], datetime.date(year, month, day),
                      int(row[3].replace("\u00a0", "")), float(row[4].replace(",", ".")), row[5]])
    path = HERE / "comptages-excel-titre.xlsx"
    workbook.save(path)
    return path


if __name__ == "__main__":
    for path in write():
        print(path.name)
