"""Lookup and search over the territory."""

from ckanext.hautegaronne import territory as t


def _ids(results):
    return [r.get("code", r["siren"]) for r in results]


def test_search_toulouse():
    results = t.search("toulouse")
    assert results[0]["kind"] == "commune" and results[0]["code"] == "31555"
    assert "243100518" in _ids(results)  # Toulouse Métropole
    assert _ids(results).index("31555") < _ids(results).index("243100518")


def test_search_is_case_insensitive():
    assert _ids(t.search("TOULOUSE")) == _ids(t.search("toulouse"))


def test_search_insee_code():
    results = t.search("31458")
    assert results[0]["code"] == "31458"
    assert results[0]["name"] == "Roques"


def test_search_postcode():
    results = t.search("31320")
    assert results
    # postcode 31320 (Castanet-Tolosan and neighbours) and INSEE code 31320 (Marquefave)
    assert all("31320" in r["postcodes"] or r["code"] == "31320" for r in results)
    assert "31113" in _ids(results)  # Castanet-Tolosan
    assert "31320" in _ids(results)  # Marquefave
    assert len(results) == 10


def test_search_accent_and_punctuation_insensitive():
    for query in ("saint gaudens", "Saint-Gaudens", "SAINT GAUDENS", "st gaudens"):
        assert t.search(query)[0]["code"] == "31483", query
    assert t.search("pechabou")[0]["name"] == "Péchabou"
    assert t.search("toulouse metropole")[0]["siren"] == "243100518"


def test_search_siren():
    assert [r["code"] for r in t.search("213104581")] == ["31458"]
    assert t.search("243100633")[0]["name"] == "CA du Sicoval"
    assert t.search("223 100 017")[0]["kind"] == "departement"


def test_prefix_matches_rank_first():
    results = t.search("saint")
    names = [r["name"] for r in results]
    assert all(n.startswith("Saint") for n in names)
    assert len(results) == 20  # default limit
    # identifier prefixes
    assert all(r["siren"].startswith("2431") for r in t.search("2431"))


def test_search_limits_and_empty_queries():
    assert len(t.search("saint", limit=3)) == 3
    assert len(t.search("saint", limit=None)) > 20
    assert t.search("") == []
    assert t.search("   ") == []
    assert t.search(None) == []
    assert t.search("zzzzzz") == []


def test_results_are_copies():
    t.search("toulouse")[0]["name"] = "changed"
    assert t.territory().communes["31555"]["name"] == "Toulouse"


def test_find_by_code():
    assert t.find_by_code("31555")["name"] == "Toulouse"
    assert t.find_by_code("213105554")["code"] == "31555"
    assert t.find_by_code("243100633")["kind"] == "epci"
    dep = t.find_by_code("31")
    assert dep["kind"] == "departement" and dep["siren"] == "223100017"
    assert t.find_by_code("223100017")["code"] == "31"
    assert t.find_by_code(" 31458 ")["name"] == "Roques"
    assert t.find_by_code("75056") is None  # Paris: not in the territory
    assert t.find_by_code("") is None
    assert t.find_by_code(None) is None


def test_epci_of_and_communes_of():
    assert t.epci_of("31458")["siren"] == "200068641"
    assert t.epci_of("31555")["name"] == "Toulouse Métropole"
    assert t.epci_of("31298")["siren"] == t.epci_of("31471")["siren"]  # former code
    assert t.epci_of("75056") is None
    metropole = t.communes_of("243100518")
    assert len(metropole) == 37
    assert all(c["kind"] == "commune" for c in metropole)
    assert len(t.communes_of("243100633")) == 36
    assert len(t.communes_of("200034023")) == 1  # CC Tarn-Agout: one commune in the 31
    assert t.communes_of("000000000") == []


def test_current_code():
    assert t.current_code("31555") == "31555"
    assert t.current_code("31016") == "31085"  # Argut-Dessus -> Boutx
    assert t.current_code("75056") is None
