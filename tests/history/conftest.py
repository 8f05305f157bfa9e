"""Reading a record's history in the tests."""

import pytest

from history.models import event_model_for


def events_of(obj) -> list:
    """``obj``'s events, oldest first."""
    return list(event_model_for(type(obj)).objects.filter(pgh_obj_id=obj.pk).order_by("pgh_id"))


@pytest.fixture
def staff_client(client, county_staff):
    client.force_login(county_staff)
    return client
