"""Tests that commit still find the region tree and the default standard after a flush."""

import pytest

from orgs.models import Region, Standard


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("run", [1, 2])
def test_committing_tests_see_the_region_tree(run):
    assert Region.objects.filter(code="360803100", name="天玉镇").exists()
    assert Standard.objects.get(is_default=True).items.count() == 6
