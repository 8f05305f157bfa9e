"""Each figure has one label: docs/METRICS.md's Chinese name, on the dashboard's cards and
table, in the export's header and in the API schema (tables and files with the unit)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from drf_spectacular.generators import SchemaGenerator

from orgs.models import Region
from reports.api.exports import table
from reports.rollups import FIGURES
from tests.conftest import QINGYUAN

pytestmark = pytest.mark.django_db

LABELLED = [figure for figure in FIGURES if figure.label]
#: The figures the dashboard's table of regions below has a column for.
TABLE = {
    "branches.active",
    "branches.standard_compliant",
    "members.active",
    "volunteers.active",
    "volunteers.service_hours",
    "donations.amount",
    "donations.in_kind_value",
}
UNITS = {"money": "（元）", "hours": "（小时）", "count": "", "ratio": "", "flag": ""}


def metrics_names() -> dict[str, str]:
    """``{figure: Chinese name}`` from the tables of docs/METRICS.md."""
    text = (Path(settings.BASE_DIR) / "docs" / "METRICS.md").read_text()
    return dict(re.findall(r"^\| `([a-z_.]+)` \| ([^|]+?) \|", text, re.MULTILINE))


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("figure", LABELLED, ids=lambda figure: figure.name)
def test_each_figure_is_labelled_as_metrics_names_it(figure):
    assert str(figure.label) == metrics_names()[figure.name]
    assert figure.heading == f"{figure.label}{UNITS[figure.kind]}"


def test_the_dashboard_the_export_and_the_schema_use_the_same_labels(client, county_staff):
    client.force_login(county_staff)
    page = client.get(reverse("portal:region_dashboard", args=[QINGYUAN])).content.decode()
    cards = dict(
        re.findall(r'data-figure="([a-z_]+)">\s*<span class="figure__label">([^<]+)</span>', page)
    )
    table_headings = re.findall(r'class="sort-button">([^<]+)</button>', page)
    _columns, rows = table(region=Region.objects.get(code=QINGYUAN), year=2019)
    export_header = rows[0]
    schema = SchemaGenerator().get_schema(request=None, public=True)["components"]["schemas"]
    for figure in LABELLED:
        name = metrics_names()[figure.name]
        heading = name + UNITS[figure.kind]
        if figure.headline:
            assert cards[figure.column] == name
        if figure.name in TABLE:
            assert heading in table_headings
        assert heading in export_header
        group, _, field = figure.name.partition(".")
        singular = group[:-2] if group.endswith("ches") else group.removesuffix("s")
        assert schema[f"{singular.title()}Figures"]["properties"][field]["title"] == heading
