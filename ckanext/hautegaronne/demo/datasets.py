"""Demo datasets: one per demo publisher, with complete DCAT metadata.

The figures are generated (seeded, stable between runs) and labelled as such. Publishers
are the demo organisations (``demo/publishers.py``), found by name; a missing one is an
error.
"""
from __future__ import annotations

import csv
import io
import json
import random
from typing import Iterator

import ckan.plugins.toolkit as tk

from .. import territory, vocabularies
from ..hvd import vocabulary as hvd_vocabulary
from ..publishers.types import org_name_for

THEME = vocabularies.THEME_BASE
FREQ = vocabularies.FREQUENCY_BASE
SCHEMAS = "https://schema.data.gouv.fr/"
HVD = hvd_vocabulary.BASE
ROADS = ["RD820", "RD813", "RD632", "RD120", "RD2", "RD916", "RD817", "RD4", "RD1", "RD15"]
STATUSES = ["permanent", "tournant", "exceptionnel"]
GENERATED = ("\n\n*Données générées pour la démonstration du portail : elles ont la forme des "
             "données réelles mais pas leurs valeurs.*")


# ------------------------------------------------------------------ generated files

def _csv(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def traffic_points(seed: int = 31, points: int = 60) -> list[dict]:
    """Counting points of the departmental roads: road, PR, status, TMJA, share of HGV."""
    rng = random.Random(seed)
    result = []
    for index in range(points):
        status = STATUSES[0] if index % 6 == 0 else STATUSES[1 + index % 2]
        result.append({
            "id_point": f"CPT31-{index + 1:04d}", "route": ROADS[index % len(ROADS)],
            "pr": rng.randint(0, 80), "abscisse": rng.randint(0, 999), "statut": status,
            "annee": 2025, "tmja": rng.randint(800, 42000),
            "part_pl": round(rng.uniform(2.0, 18.0), 1),
            "longitude": round(rng.uniform(0.45, 1.95), 5),
            "latitude": round(rng.uniform(42.70, 43.90), 5),
        })
    return result


# The national schema the daily counts follow (its copy ships with the extension:
# conformity/packaged), and the header that schema sets.
# Its address is given too: a live catalogue that lists other versions still checks it.
COUNTS_SCHEMA = {"name": "etalab/schema-comptage-mobilites-measure", "version": "0.2.3",
                 "url": SCHEMAS + "schemas/etalab/schema-comptage-mobilites-measure/0.2.3/"
                        "schema.json"}
COUNTS_HEADER = ["channel_id", "counter_id", "start_datetime", "end_datetime", "count"]
COUNT_DAYS = 7


def traffic_counts(points: list[dict], seed: int = 32) -> list[list]:
    """Daily counts of every point for the first week of June 2025 (both directions), as
    the comptage des mobilités schema (measure file) sets them: a channel per point, its
    counter, the day counted (ISO 8601, end excluded) and the vehicles counted."""
    rng = random.Random(seed)
    rows = []
    for point in points:
        for day in range(COUNT_DAYS):
            weekend = day >= 5
            count = round(point["tmja"] * rng.uniform(0.55, 0.75) if weekend
                          else point["tmja"] * rng.uniform(0.95, 1.15))
            rows.append([point["id_point"], f"{point['id_point']}-C1",
                         f"2025-06-{2 + day:02d}T00:00:00Z", f"2025-06-{3 + day:02d}T00:00:00Z",
                         count])
    return rows


def traffic_counts_csv(points: list[dict]) -> bytes:
    return _csv(COUNTS_HEADER, traffic_counts(points))


def bike_counts_to_correct_csv() -> bytes:
    """A file typed by hand the French way, deliberately NOT conforming to the counts
    schema, so that the demo shows a conformity report: dates written DD/MM/YYYY, a
    decimal comma, a counter left empty."""
    return _csv(COUNTS_HEADER, [
        ["TM-VELO-01", "TM-VELO-01-C1", "2025-06-02T00:00:00Z", "2025-06-03T00:00:00Z", 1284],
        ["TM-VELO-01", "TM-VELO-01-C1", "03/06/2025 00:00", "04/06/2025 00:00", 1317],
        ["TM-VELO-02", "TM-VELO-02-C1", "2025-06-02T00:00:00Z", "2025-06-03T00:00:00Z", "842,5"],
        ["TM-VELO-02", "", "2025-06-03T00:00:00Z", "2025-06-04T00:00:00Z", 901],
        ["TM-VELO-03", "TM-VELO-03-C1", "2025-06-02T00:00:00Z", "2025-06-03T00:00:00Z", 356],
    ])


def traffic_geojson(points: list[dict]) -> bytes:
    features = [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [p["longitude"], p["latitude"]]},
        "properties": {k: v for k, v in p.items() if k not in ("longitude", "latitude")},
    } for p in points]
    return json.dumps({"type": "FeatureCollection", "features": features},
                      ensure_ascii=False, indent=1).encode("utf-8")


def _rows(seed: int, count: int, make) -> list[list]:
    rng = random.Random(seed)
    return [make(rng, i) for i in range(count)]


# ------------------------------------------------------------------ the datasets

def _resource(name: str, filename: str, content: bytes, fmt: str, mimetype: str,
              description: str) -> dict:
    return {"name": name, "filename": filename, "content": content, "format": fmt,
            "mimetype": mimetype, "size": len(content), "description": description}


def _csv_resource(name: str, filename: str, content: bytes) -> dict:
    return _resource(name, filename, content, "CSV", "text/csv",
                     "Séparateur virgule, encodage UTF-8, une ligne d'en-tête.")


def datasets() -> list[tuple[dict, dict, list[dict]]]:
    """(publisher match, dataset fields, resources) of every demo dataset."""
    points = traffic_points()
    return [
        ({"territory": "31"}, {
            "name": "comptages-routiers-haute-garonne",
            "title": "Comptages routiers sur les routes départementales",
            "notes": (
                "Trafic moyen journalier annuel (TMJA, deux sens confondus) et part des poids "
                "lourds aux points de comptage des routes départementales de la Haute-Garonne, "
                "repérés par route (numéro de RD) et point de repère (PR, avec l'abscisse en "
                "mètres depuis le PR).\n\n"
                "Les points sont **permanents** (une centaine de stations relevées en continu), "
                "**tournants** (relevés tous les deux ans) ou **exceptionnels** (campagnes "
                "ponctuelles). La ressource GeoJSON décrit les points : `id_point`, `route`, "
                "`pr`, `abscisse`, `statut`, `annee`, `tmja` (véhicules par jour), `part_pl` "
                "(% de poids lourds), position en WGS84. La ressource CSV donne les comptages "
                "journaliers de la première semaine de juin 2025 au format du schéma national "
                "« Comptage des mobilités » (fichier measure, version 0.2.3) : `channel_id` "
                "(le point), `counter_id`, `start_datetime`, `end_datetime`, `count`."
                + GENERATED),
            "tag_string": "trafic,routes,mobilité,poids lourds,comptages",
            "license_id": "lov2",
            "theme": [THEME + "TRAN", THEME + "REGI"],
            "frequency": FREQ + "ANNUAL",
            "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
            "contact": [{"name": "Direction des routes",
                         "email": "routes.opendata@haute-garonne.example.org"}],
            "identifier": "comptages-routiers@data.haute-garonne.fr",
            # High-value dataset (Regulation 2023/138): Mobility, transport networks.
            "hvd_category": HVD + "c_4b74ea13",
            "conforms_to_schema": [dict(COUNTS_SCHEMA)],
        }, [
            _csv_resource("Comptages 2025 (CSV)", "comptages-routiers-2025.csv",
                          traffic_counts_csv(points)),
            _resource("Points de comptage 2025 (GeoJSON)", "comptages-routiers-2025.geojson",
                      traffic_geojson(points), "GeoJSON", "application/geo+json",
                      "Les mêmes points de comptage, en GeoJSON (WGS84)."),
        ]),
        ({"name": "archives-departementales-haute-garonne"}, {
            "name": "archives-31-fonds-numerises",
            "title": "Fonds d'archives numérisés",
            "notes": "Liste des fonds d'archives numérisés consultables en ligne : cote, "
                     "intitulé, dates extrêmes, nombre d'images." + GENERATED,
            "tag_string": "archives,patrimoine,numérisation",
            "theme": [THEME + "EDUC"], "frequency": FREQ + "ANNUAL",
            "temporal_coverage": [{"start": "1790-01-01", "end": "1990-12-31"}],
            "contact": [{"name": "Archives départementales",
                         "email": "archives@haute-garonne.example.org"}],
        }, [_csv_resource("Fonds numérisés (CSV)", "fonds-numerises.csv", _csv(
            ["cote", "intitule", "date_debut", "date_fin", "images"],
            _rows(1, 40, lambda r, i: [f"{r.randint(1, 99)}J{i + 1}", f"Fonds n°{i + 1}",
                                       1790 + r.randint(0, 100), 1900 + r.randint(0, 90),
                                       r.randint(10, 5000)])))]),
        ({"name": "musee-resistance-deportation-haute-garonne"}, {
            "name": "musee-resistance-collections",
            "title": "Collections du Musée départemental de la Résistance et de la Déportation",
            "notes": "Inventaire des objets et documents des collections : numéro d'inventaire, "
                     "désignation, datation, type." + GENERATED,
            "tag_string": "musée,collections,mémoire,résistance",
            "theme": [THEME + "EDUC"], "frequency": FREQ + "IRREG",
            "temporal_coverage": [{"start": "1939-09-01", "end": "1945-12-31"}],
            "contact": [{"name": "Service des collections",
                         "email": "musee.resistance@haute-garonne.example.org"}],
        }, [_csv_resource("Inventaire (CSV)", "inventaire.csv", _csv(
            ["numero_inventaire", "designation", "annee", "type"],
            _rows(2, 40, lambda r, i: [f"MRD.{1990 + r.randint(0, 30)}.{i + 1}",
                                       f"Objet {i + 1}", 1939 + r.randint(0, 6),
                                       r.choice(["affiche", "tract", "photographie", "objet"])])))]),
        ({"name": "laboratoire-departemental-31-eva"}, {
            "name": "laboratoire-31-eva-qualite-eau",
            "title": "Qualité des eaux de baignade analysées par le laboratoire",
            "notes": "Résultats des analyses bactériologiques des sites de baignade suivis : "
                     "site, commune, date de prélèvement, E. coli, entérocoques." + GENERATED,
            "tag_string": "eau,baignade,santé,analyses",
            "theme": [THEME + "ENVI", THEME + "HEAL"], "frequency": FREQ + "WEEKLY",
            "temporal_coverage": [{"start": "2025-06-01", "end": "2025-09-30"}],
            "contact": [{"name": "Laboratoire départemental 31 EVA",
                         "email": "laboratoire@haute-garonne.example.org"}],
        }, [_csv_resource("Analyses 2025 (CSV)", "analyses-baignade-2025.csv", _csv(
            ["site", "date_prelevement", "e_coli", "enterocoques"],
            _rows(3, 40, lambda r, i: [f"Site {i % 8 + 1}", f"2025-{6 + i % 4:02d}-{1 + i % 28:02d}",
                                       r.randint(0, 900), r.randint(0, 400)])))]),
        ({"territory": "243100633"}, {
            "name": "sicoval-points-apport-volontaire",
            "title": "Points d'apport volontaire du Sicoval",
            "notes": "Colonnes de tri (verre, papier, textile) du territoire du Sicoval, avec leur "
                     "commune et leur position." + GENERATED,
            "tag_string": "déchets,tri,verre",
            "theme": [THEME + "ENVI"], "frequency": FREQ + "QUARTERLY",
            "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
            "contact": [{"name": "Service déchets", "email": "dechets@sicoval.example.org"}],
        }, [_csv_resource("Points d'apport volontaire (CSV)", "pav.csv", _csv(
            ["id", "flux", "longitude", "latitude"],
            _rows(4, 40, lambda r, i: [f"PAV-{i + 1}", r.choice(["verre", "papier", "textile"]),
                                       round(r.uniform(1.45, 1.65), 5),
                                       round(r.uniform(43.40, 43.56), 5)])))]),
        ({"territory": "200068641"}, {
            "name": "muretain-agglo-arrets-transport",
            "title": "Arrêts du réseau de transport du Muretain Agglo",
            "notes": "Arrêts des lignes de bus du réseau de l'agglomération, avec leur position "
                     "et les lignes desservies." + GENERATED,
            "tag_string": "transport,bus,mobilité",
            "theme": [THEME + "TRAN"], "frequency": FREQ + "ANNUAL",
            "temporal_coverage": [{"start": "2025-09-01", "end": "2026-08-31"}],
            "contact": [{"name": "Service mobilité", "email": "mobilite@muretain.example.org"}],
        }, [_csv_resource("Arrêts (CSV)", "arrets.csv", _csv(
            ["id_arret", "nom", "lignes", "longitude", "latitude"],
            _rows(5, 40, lambda r, i: [f"ARR-{i + 1}", f"Arrêt {i + 1}", f"{r.randint(1, 9)}",
                                       round(r.uniform(1.20, 1.40), 5),
                                       round(r.uniform(43.38, 43.52), 5)])))]),
        ({"territory": "243100518"}, {
            "name": "toulouse-metropole-amenagements-cyclables",
            "title": "Aménagements cyclables de Toulouse Métropole",
            "notes": "Pistes et bandes cyclables, voies vertes et zones apaisées de la métropole, "
                     "au format du schéma national des aménagements cyclables." + GENERATED,
            "tag_string": "vélo,aménagements cyclables,mobilité",
            "theme": [THEME + "TRAN"], "frequency": FREQ + "QUARTERLY",
            "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
            "contact": [{"name": "Direction mobilités",
                         "email": "mobilites@toulouse-metropole.example.org"}],
            "conforms_to_schema": [{"name": "etalab/schema-amenagements-cyclables",
                                    "url": SCHEMAS + "etalab/schema-amenagements-cyclables/"}],
        }, [_csv_resource("Aménagements (CSV)", "amenagements-cyclables.csv", _csv(
            ["id_local", "nom_loc", "ame_d", "longueur_m"],
            _rows(6, 40, lambda r, i: [f"TM-{i + 1}", f"Voie {i + 1}",
                                       r.choice(["PISTE CYCLABLE", "BANDE CYCLABLE", "VOIE VERTE"]),
                                       r.randint(50, 3000)]))),
           {**_csv_resource("Comptages vélo à corriger (CSV)", "comptages-velo-a-corriger.csv",
                            bike_counts_to_correct_csv()),
            "description": "Relevé saisi à la main, volontairement NON conforme au schéma "
                           "« Comptage des mobilités » (dates JJ/MM/AAAA, virgule décimale, "
                           "compteur manquant) : la démonstration du rapport de conformité.",
            **{f"schema_{key}": value for key, value in COUNTS_SCHEMA.items()}}]),
        ({"territory": "31458"}, {
            "name": "roques-deliberations",
            "title": "Délibérations du conseil municipal de Roques",
            "notes": "Délibérations adoptées par le conseil municipal, au format du socle commun "
                     "des données locales (SCDL)." + GENERATED,
            "tag_string": "délibérations,conseil municipal,SCDL",
            "theme": [THEME + "GOVE"], "frequency": FREQ + "MONTHLY",
            "temporal_coverage": [{"start": "2025-01-01", "end": "2025-12-31"}],
            "contact": [{"name": "Secrétariat de mairie", "email": "mairie@roques.example.org"}],
            "conforms_to_schema": [{"name": "scdl/deliberations",
                                    "url": SCHEMAS + "scdl/deliberations/"}],
        }, [_csv_resource("Délibérations 2025 (CSV)", "deliberations-2025.csv", _csv(
            ["COLL_NOM", "COLL_SIRET", "DELIB_ID", "DELIB_DATE", "DELIB_OBJET"],
            _rows(7, 24, lambda r, i: ["Commune de Roques", "21310458100017", f"2025-{i + 1:03d}",
                                       f"2025-{1 + i // 2:02d}-{10 + i % 2 * 5:02d}",
                                       f"Délibération n°{i + 1}"])))]),
        ({"territory": "31555"}, {
            "name": "toulouse-prenoms",
            "title": "Prénoms des enfants nés à Toulouse",
            "notes": "Prénoms déclarés à l'état civil, par année et par sexe, au format du socle "
                     "commun des données locales (SCDL)." + GENERATED,
            "tag_string": "prénoms,état civil,SCDL",
            "theme": [THEME + "SOCI"], "frequency": FREQ + "ANNUAL",
            "temporal_coverage": [{"start": "2024-01-01", "end": "2024-12-31"}],
            "contact": [{"name": "État civil", "email": "etat-civil@toulouse.example.org"}],
            "conforms_to_schema": [{"name": "scdl/prenoms", "url": SCHEMAS + "scdl/prenoms/"}],
        }, [_csv_resource("Prénoms 2024 (CSV)", "prenoms-2024.csv", _csv(
            ["COLL_NOM", "ANNEE", "SEXE", "PRENOM", "NOMBRE_OCCURRENCES"],
            _rows(8, 40, lambda r, i: ["Toulouse", 2024, r.choice(["M", "F"]), f"Prénom{i + 1}",
                                       r.randint(5, 120)])))]),
    ]


# ------------------------------------------------------------------ loading

def publisher_name(match: dict) -> str:
    """The demo organisation's name: a territory entity's (named by the publishers concern
    from its code), or an affiliated body's."""
    if "territory" in match:
        return org_name_for(territory.find_by_code(match["territory"]))
    return match["name"]


def load(ensure_dataset) -> Iterator[str]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    for match, fields, resources in datasets():
        org = tk.get_action("organization_show")(
            {"user": site_user["name"]}, {"id": publisher_name(match), "include_datasets": False})
        dataset = ensure_dataset({**fields, "owner_org": org["id"]}, resources)
        yield f"dataset {dataset['name']} ({len(dataset['resources'])} resources)"
