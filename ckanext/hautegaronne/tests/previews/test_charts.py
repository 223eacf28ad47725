"""The chart view: a publisher adds it from "Nouvelle vue" (in French), it draws one
numeric column by a label column, largest values first, with the figures in a table."""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories

from ckanext.hautegaronne.previews import charts

from ..publishers import helpers as h

ROWS = [{"route": "RD820", "tmja": 15200}, {"route": "RD817", "tmja": 9800},
        {"route": "RD980", "tmja": 21400}, {"route": "RD2", "tmja": None}]


@pytest.fixture
def table():
    org = h.onboard("31395")
    editor = h.member(org, "editor")
    dataset = h.dataset(org)
    resource = dataset["resources"][0]
    tk.get_action("datastore_create")(
        {"ignore_auth": True, "user": h.site_context()["user"]},
        {"resource_id": resource["id"], "force": True, "records": ROWS,
         "fields": [{"id": "route", "type": "text"}, {"id": "tmja", "type": "int"}]})
    return {"org": org, "editor": editor, "dataset": dataset, "resource": resource}


@pytest.mark.usefixtures("clean_datastore", "with_request_context")
def test_a_publisher_adds_a_bar_chart(app, table):
    dataset, resource, editor = table["dataset"], table["resource"], table["editor"]
    # "Nouvelle vue" lists the view types CKAN allows for the resource, by their titles
    resource = tk.get_action("resource_show")({"ignore_auth": True}, {"id": resource["id"]})
    offered = {name: title for name, title, _icon in tk.h.get_allowed_view_types(
        resource, tk.get_action("package_show")({"ignore_auth": True}, {"id": dataset["id"]}))}
    assert offered.get("hautegaronne_chart") == "Graphique en barres", offered
    # its form offers the table's columns, the numeric ones for the value
    form = tk.render("hautegaronne/views/chart_form.html", dict(
        charts.variables({"resource": resource}), data={}, errors={}))
    assert "Valeur (colonne numérique)" in form
    value_select = form[form.index('name="value_column"'):]
    value_select = value_select[:value_select.index("</select>")]
    assert '<option value="tmja"' in value_select and 'value="route"' not in value_select
    view = tk.get_action("resource_view_create")(
        {"user": editor["name"]},
        {"resource_id": resource["id"], "view_type": "hautegaronne_chart",
         "title": "Trafic par route", "label_column": "route", "value_column": "tmja",
         "bars": "10"})
    page = app.get(f"/dataset/{dataset['name']}/resource/{resource['id']}",
                   query_string={"view_id": view["id"]}).body
    chart = page[page.index('class="hg-chart"'):]
    # largest first, the row without a value left out, figures in French
    assert chart.index("RD980") < chart.index("RD820") < chart.index("RD817")
    assert ">RD2<" not in chart
    assert "21\u202f400" in chart or "21\xa0400" in chart or "21 400" in chart
    assert chart.count('class="hg-chart-bar"') == 3
    assert "Les chiffres du graphique" in chart


@pytest.mark.usefixtures("clean_datastore", "with_request_context")
def test_others_cannot_add_a_chart(table):
    outsider = factories.User()
    with pytest.raises(tk.NotAuthorized):
        tk.get_action("resource_view_create")(
            {"user": outsider["name"]},
            {"resource_id": table["resource"]["id"], "view_type": "hautegaronne_chart",
             "title": "Trafic", "label_column": "route", "value_column": "tmja"})
