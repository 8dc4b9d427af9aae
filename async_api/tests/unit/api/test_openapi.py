"""The OpenAPI document: composed from two parts, served as composed."""

import json

import testtools

from async_api.api import openapi
from async_api.baremetal.api import openapi as service_openapi
from async_api.tests.unit.api import base


class TestCompose(testtools.TestCase):

    def service(self, **extra):
        document = {'openapi': '3.1.0', 'info': {'title': 't',
                                                 'version': '1'},
                    'paths': {'/v2/things': {}}}
        document.update(extra)
        return document

    def test_library_paths_are_mounted_where_asked(self):
        document = openapi.compose(self.service(), tasks_path='/v2/jobs/')
        self.assertEqual(
            ['/v2/jobs', '/v2/jobs/{task_uuid}',
             '/v2/jobs/{task_uuid}/cancel', '/v2/jobs/{task_uuid}/events',
             '/v2/things'], sorted(document['paths']))
        self.assertIn('Task', document['components']['schemas'])
        self.assertIn('Prefer', document['components']['parameters'])

    def test_nothing_is_silently_replaced(self):
        self.assertRaises(ValueError, openapi.compose, self.service(
            paths={'/v1/tasks': {}}))
        self.assertRaises(ValueError, openapi.compose, self.service(
            components={'schemas': {'Task': {}}}))

    def test_compose_copies(self):
        service = self.service()
        openapi.compose(service)
        self.assertEqual(['/v2/things'], list(service['paths']))
        self.assertNotIn('components', service)

    def test_every_reference_resolves(self):
        document = service_openapi.document()
        text = json.dumps(document)
        for ref in set(part.split('"')[0] for part in
                       text.split('"$ref": "')[1:]):
            kind, name = ref[len('#/components/'):].split('/')
            self.assertIn(name, document['components'][kind], ref)

    def test_every_route_is_described(self):
        # The routes of the reference service (its controllers) and the
        # document's paths are the same set.
        self.assertEqual(
            {'/', '/healthcheck', '/v1', '/v1/openapi.json', '/v1/nodes',
             '/v1/nodes/{node_ident}',
             '/v1/nodes/{node_ident}/states/power',
             '/v1/nodes/{node_ident}/states/provision',
             '/v1/nodes/{node_ident}/management/boot_device',
             '/v1/nodes/{node_ident}/validate',
             '/v1/nodes/{node_ident}/tasks', '/v1/tasks',
             '/v1/tasks/{task_uuid}', '/v1/tasks/{task_uuid}/events',
             '/v1/tasks/{task_uuid}/cancel'},
            set(service_openapi.document()['paths']))


class TestServed(base.APITestCase):

    def test_served_document_is_the_composed_one(self):
        response = self.app.get('/v1/openapi.json')
        self.assertEqual('application/json', response.content_type)
        self.assertEqual(service_openapi.document(), response.json)

    def test_only_get(self):
        response = self.app.post('/v1/openapi.json', expect_errors=True)
        self.assertEqual(405, response.status_int)
