"""Every API response of the suite checked against the OpenAPI schema (openapi-core).

The ``api`` fixture's clients validate each answer under ``/api/v1/`` against the schema the
API publishes: an undocumented status, header or field fails the test that made the request.
The count of validated responses is printed at the end of the run.
"""

from functools import cache

from django.utils import translation
from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse
from rest_framework.test import APIClient

from core.api.schema import SCHEMA_LANGUAGE

VALIDATED = {"responses": 0}
PREFIX = "/api/v1/"


@cache
def published_schema() -> OpenAPI:
    with translation.override(SCHEMA_LANGUAGE):
        document = SchemaGenerator().get_schema(request=None, public=True)
    return OpenAPI.from_dict(document)


class Answer(DjangoOpenAPIResponse):
    """A response as openapi-core reads it: text bodies as text; a binary body (a workbook)
    as an empty text, so that only its status, type and headers are checked here (the
    export tests read the workbooks themselves)."""

    @property
    def data(self):
        content_type = self.content_type
        if content_type.startswith("application/json"):
            return super().data
        if content_type.startswith("text/"):
            return super().data.decode(self.response.charset or "utf-8")
        return "(binary)"


def validate(response) -> None:
    """Raise if ``response`` (of a Django test client) is not what the schema says.

    A method a path does not have answers 405 with the Allow header and an error body.
    """
    request = response.wsgi_request
    match = request.resolver_match
    if not request.path.startswith(PREFIX) or match is None or match.url_name == "not_found":
        return  # not an operation of the schema (unknown addresses answer a plain 404)
    schema = published_schema()
    if response.status_code == 405:
        methods = {method.lower() for method in response["Allow"].split(", ")}
        assert request.method.lower() not in methods
        assert response.json()["code"] == "method_not_allowed"
    else:
        schema.validate_response(DjangoOpenAPIRequest(request), Answer(response))
    VALIDATED["responses"] += 1


class ContractClient(APIClient):
    """An APIClient whose every API response must match the published schema."""

    def request(self, **kwargs):
        response = super().request(**kwargs)
        validate(response)
        return response
