"""Tests that commit still find the region tree, even after another one flushed the tables."""

import pytest

from orgs.models import Region


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_committing_tests_see_the_region_tree(run):
    assert Region.objects.filter(code="360803100", name="天玉镇").exists()
