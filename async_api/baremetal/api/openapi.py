"""``GET /v1/openapi.json``: the service's OpenAPI 3.1 document.

The service's part (``openapi.yaml`` beside this module: nodes, their
actions, versions) composed with the library's (the tasks collection and
the shared components) by :func:`async_api.openapi.compose`.
"""

import os

import async_api

SERVICE_DOCUMENT = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), 'openapi.yaml')


def document():
    """The whole v1 document, as a dict."""
    return async_api.openapi.compose(
        async_api.openapi.load(SERVICE_DOCUMENT), tasks_path='/v1/tasks')


controller = async_api.openapi.OpenApiController(document)
