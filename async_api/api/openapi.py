"""The API as an OpenAPI 3.1 document: the library's part and a service's.

The library describes what it serves wherever a service mounts it (the
tasks collection, :class:`~async_api.api.controllers.tasks.
TasksController`) and what every service's actions share (the task body,
API-SIG errors, ``Prefer``, ``Idempotency-Key``), in
``openapi-tasks.yaml`` beside this module. A service writes the rest (its
resources and actions, which refer to the shared components by
``#/components/...``) and serves the two composed by :func:`compose`,
for example with :class:`OpenApiController`. The reference service
serves its document at ``GET /v1/openapi.json``.

Composition is plain: the library's paths are added below the path the
service mounts the tasks collection at, and its components beside the
service's; a name defined by both is an error, so neither silently
replaces the other.
"""

import copy
import functools
import json
import os

import pecan
import yaml

#: The library's part, shipped with the package.
LIBRARY_DOCUMENT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                'openapi-tasks.yaml')
VERSION = '3.1.0'


def load(path):
    """A YAML (or JSON) document from ``path``."""
    with open(path, encoding='utf-8') as f:
        return yaml.safe_load(f)


@functools.lru_cache(maxsize=None)
def _library():
    return load(LIBRARY_DOCUMENT)


def library_part():
    """A copy of the library's part (``paths`` and ``components``)."""
    return copy.deepcopy(_library())


def compose(service_document, tasks_path='/v1/tasks'):
    """The whole document: the service's with the library's part in it.

    :param service_document: the service's OpenAPI 3.1 document (a dict):
        ``info``, its ``paths`` and components.
    :param tasks_path: where the service mounts the tasks collection.
    :raises ValueError: when both define the same path or component.
    """
    document = copy.deepcopy(service_document)
    document.setdefault('openapi', VERSION)
    library = library_part()
    paths = document.setdefault('paths', {})
    prefix = '/' + tasks_path.strip('/')
    for path, item in library['paths'].items():
        full = prefix + path
        if full in paths:
            raise ValueError('Path %s is defined by the service and by '
                             'async_api' % full)
        paths[full] = item
    components = document.setdefault('components', {})
    for kind, entries in library['components'].items():
        mine = components.setdefault(kind, {})
        for name, entry in entries.items():
            if name in mine:
                raise ValueError('Component %s/%s is defined by the '
                                 'service and by async_api' % (kind, name))
            mine[name] = entry
    return document


class OpenApiController:
    """Serves one document as JSON (mount it with ``pecan.route``).

    :param document: the composed document (see :func:`compose`), or a
        function returning it, called once on first use.
    """

    def __init__(self, document):
        self._document = document
        self._body = None

    def body(self):
        """The document, serialized once."""
        if self._body is None:
            document = self._document
            if callable(document):
                document = document()
            self._body = json.dumps(document, sort_keys=True)
        return self._body

    @pecan.expose(generic=True, content_type='application/json')
    def index(self):
        pecan.abort(405)

    @index.when(method='GET', content_type='application/json')
    def index_get(self):
        """The document."""
        return self.body()
