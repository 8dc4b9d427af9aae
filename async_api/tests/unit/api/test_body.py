"""Malformed request bodies are 4xx API-SIG errors and store nothing."""

import json

from async_api.baremetal.db import nodes as db_nodes
from async_api.tests.unit.api import base

_MUTATING = (
    ('POST', '/v1/nodes'),
    ('PATCH', '/v1/nodes/n1'),
    ('PUT', '/v1/nodes/n1/states/power'),
    ('PUT', '/v1/nodes/n1/states/provision'),
    ('PUT', '/v1/nodes/n1/management/boot_device'),
)


class TestRequestBodies(base.APITestCase):

    def setUp(self):
        super().setUp()
        self.node = self.create_node(name='n1')

    def send(self, method, path, body, content_type='application/json',
             **kwargs):
        return self.app.request(
            path, method=method, body=body, content_type=content_type,
            expect_errors=True, **kwargs)

    def assert_nothing_stored(self):
        self.assertEqual(['n1'], [n.name for n in db_nodes.list_nodes()])
        self.assertEqual([], self.list_tasks())

    def list_tasks(self):
        return self.get_json('/v1/tasks')['tasks']

    def test_json_null_everywhere(self):
        for method, path in _MUTATING:
            response = self.send(method, path, b'null')
            self.assert_error(response, 400, 'invalid_parameter')
        self.assert_nothing_stored()

    def test_wrong_top_level_type(self):
        self.assert_error(self.send('POST', '/v1/nodes', b'[]'),
                          400, 'invalid_parameter')
        # PATCH takes an array of operations (RFC 6902), not an object.
        self.assert_error(self.send('PATCH', '/v1/nodes/n1', b'{}'),
                          400, 'invalid_parameter')
        self.assert_nothing_stored()

    def test_deep_nesting(self):
        deep = b'[' * 10000 + b']' * 10000
        body = b'{"name": "x", "driver": "fake", "extra": %s}' % deep
        self.assert_error(self.send('POST', '/v1/nodes', body),
                          400, 'invalid_parameter')
        # Within the default depth of 32 it is accepted.
        nested = {'a': {'b': {'c': [1, 2, {'d': 'e'}]}}}
        response = self.send('POST', '/v1/nodes', json.dumps(
            {'name': 'ok', 'driver': 'fake', 'extra': nested}).encode())
        self.assertEqual(201, response.status_int, response.text)

    def test_lone_surrogate(self):
        body = b'{"name": "\\ud800x", "driver": "fake"}'
        self.assert_error(self.send('POST', '/v1/nodes', body),
                          400, 'invalid_parameter')
        self.assert_nothing_stored()

    def test_not_utf8_and_not_json(self):
        for body in (b'{"name": "\xff"}', b'{name: x}'):
            self.assert_error(self.send('POST', '/v1/nodes', body),
                              400, 'invalid_parameter')
        self.assert_nothing_stored()

    def test_xml_and_other_media_types(self):
        xml = b'<node><name>x</name><driver>fake</driver></node>'
        for content_type in ('text/xml', 'application/xml', 'text/plain'):
            response = self.send('POST', '/v1/nodes', xml,
                                 content_type=content_type)
            self.assert_error(response, 415, 'unsupported_media_type')
        self.assert_nothing_stored()

    def test_body_too_large(self):
        self.config(max_request_body_size=4096, group='async_api_api')
        body = json.dumps({'name': 'big', 'driver': 'fake',
                           'extra': {'x': 'a' * 5000}}).encode()
        self.assert_error(self.send('POST', '/v1/nodes', body),
                          413, 'request_too_large')
        self.assert_nothing_stored()

    def test_charset_parameter_is_fine(self):
        response = self.send(
            'POST', '/v1/nodes', b'{"name": "n2", "driver": "fake"}',
            content_type='application/json; charset=utf-8')
        self.assertEqual(201, response.status_int, response.text)

    def test_project_header_is_no_identity(self):
        # Under noauth no header names a project, however long: the
        # node belongs to no project, and nothing is stored from it.
        response = self.send('POST', '/v1/nodes',
                             b'{"name": "n2", "driver": "fake"}',
                             headers={'X-Project-Id': 'p' * 256})
        self.assertEqual(201, response.status_int, response.text)
        self.assertIsNone(db_nodes.get_node('n2').project_id)
