"""The served OpenAPI document is the API: schemathesis holds them together.

The real service (``async-api-all``, the fake driver without delays)
serves ``GET /v1/openapi.json``; schemathesis reads it from there and
sends at least :data:`MIN_CASES` generated requests (valid and invalid
ones, through every phase: examples, coverage, fuzzing, and stateful
sequences that follow the links it infers). Every response must be below
500 and conform to the document: status code, content type, headers and
body schema. On failure the test lists what schemathesis found, with a
``curl`` line to reproduce each.

The seed is fixed so that CI is repeatable; set
``ASYNC_API_CONTRACT_SEED`` to explore with another one.

The issue's reproductions (malformed bodies, secrets) run against the
same real service in :class:`TestReproductions`.
"""

import json
import os
import re
import subprocess
import sys

from async_api.tests.functional.api import base

#: At least this many generated requests in one run.
MIN_CASES = 2000
#: Per operation and phase; with 18 operations this gives about 2,300.
MAX_EXAMPLES = 90
SEED = os.environ.get('ASYNC_API_CONTRACT_SEED', '20261201')
CHECKS = ('not_a_server_error', 'status_code_conformance',
          'content_type_conformance', 'response_headers_conformance',
          'response_schema_conformance')
_GENERATED = re.compile(r'(\d+) generated')


def argv(url, max_examples):
    """The schemathesis command line against the service at ``url``."""
    return [
        sys.executable, '-m', 'schemathesis.cli', 'run',
        url + '/v1/openapi.json', '--url', url,
        '--checks', ','.join(CHECKS),
        '--max-examples', str(max_examples),
        '--seed', SEED,
        '--workers', '2',
        '--request-timeout', '30',
        '--generation-database', 'none',
        '--generation-with-security-parameters', 'false',
        '--no-color', '--warnings', 'off',
    ]


class TestContract(base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        # Prefer: wait=N waits at most a second here.
        self.start('all', async_api_api={'wait_max': 1})

    def test_generated_requests_conform_to_the_document(self):
        document = self.api('GET', '/v1/openapi.json')
        self.assertEqual(200, document.status_code, document.text)
        self.assertEqual('3.1.0', document.json()['openapi'])
        result = subprocess.run(
            argv(self.url, MAX_EXAMPLES), capture_output=True, text=True,
            timeout=230,
            cwd=self.state_path, env=dict(os.environ, NO_COLOR='1'))
        output = result.stdout + result.stderr
        found = _GENERATED.findall(output)
        self.assertEqual(0, result.returncode,
                         'schemathesis found failures:\n%s' % output)
        self.assertTrue(found, output)
        self.assertGreaterEqual(int(found[-1]), MIN_CASES, output)


class TestReproductions(base.ServiceTestCase):
    """Each input of the hardening issue, over HTTP: a 4xx, nothing kept."""

    def setUp(self):
        super().setUp()
        self.start('all')
        self.node = self.create_node(name='n1')
        self.task = self.set_power(self.node, 'on').json()
        self.wait_for_task(self.task['uuid'])

    def send(self, method, path, body, content_type='application/json',
             **headers):
        headers['Content-Type'] = content_type
        return self.api(method, path, data=body, headers=headers)

    def assert_error(self, response, status, code):
        self.assertEqual(status, response.status_code, response.text)
        error = response.json()['errors'][0]
        self.assertEqual(code, error['code'])
        self.assertEqual(response.headers['x-openstack-request-id'],
                         error['request_id'])

    def assert_nothing_stored(self):
        nodes = self.api('GET', '/v1/nodes').json()['nodes']
        self.assertEqual(['n1'], [node['name'] for node in nodes])
        tasks = self.api('GET', '/v1/tasks').json()['tasks']
        self.assertEqual([self.task['uuid']], [t['uuid'] for t in tasks])

    def test_malformed_bodies(self):
        mutating = (('POST', '/v1/nodes'), ('PATCH', '/v1/nodes/n1'),
                    ('PUT', '/v1/nodes/n1/states/power'),
                    ('PUT', '/v1/nodes/n1/states/provision'),
                    ('PUT', '/v1/nodes/n1/management/boot_device'),
                    ('POST', '/v1/nodes/n1/validate'),
                    ('POST', '/v1/tasks/%s/cancel' % self.task['uuid']))
        for method, path in mutating:
            self.assert_error(self.send(method, path, b'null'),
                              400, 'invalid_parameter')
        deep = b'[' * 10000 + b']' * 10000
        self.assert_error(self.send(
            'POST', '/v1/nodes',
            b'{"name": "x", "driver": "fake", "extra": %s}' % deep),
            400, 'invalid_parameter')
        self.assert_error(self.send(
            'POST', '/v1/nodes', b'{"name": "\\ud800x", "driver": "fake"}'),
            400, 'invalid_parameter')
        self.assert_error(self.send(
            'POST', '/v1/nodes', b'<node><driver>fake</driver></node>',
            content_type='text/xml'), 415, 'unsupported_media_type')
        big = json.dumps({'name': 'big', 'driver': 'fake', 'driver_info': {
            'x': 'a' * (20 * 1024 * 1024)}}).encode()
        # The HTTP server refuses it before the application sees it: the
        # same code, but no request id (none was given yet).
        response = self.send('POST', '/v1/nodes', big)
        self.assertEqual(413, response.status_code, response.text)
        self.assertEqual('request_too_large',
                         response.json()['errors'][0]['code'])
        self.assert_nothing_stored()
        # An identity header is no identity: authentication strips it,
        # however long, and nothing of it is stored.
        created = self.send(
            'POST', '/v1/nodes', b'{"name": "n2", "driver": "fake"}',
            **{'X-Project-Id': 'p' * 300})
        self.assertEqual(201, created.status_code, created.text)

    def test_form_content_type_without_a_body(self):
        # Found by schemathesis: WebOb parsed a "form" without a boundary
        # and the request was a 500.
        for method, path in (('DELETE', '/v1/nodes/absent'),
                             ('GET', '/v1/nodes/n1'),
                             ('POST', '/v1/nodes/n1/validate')):
            response = self.send(method, path, b'',
                                 content_type='multipart/form-data')
            self.assertLess(response.status_code, 500, response.text)
        response = self.send('DELETE', '/v1/nodes/absent', b'x',
                             content_type='multipart/form-data')
        self.assert_error(response, 404, 'node_not_found')

    def test_secrets_are_not_echoed_nor_testable(self):
        node = self.create_node(name='bmc', driver_info={
            'redfish_address': 'http://admin:Pw-1@127.0.0.1:1',
            'ipmi_password': 'Pw-2'})
        shown = self.api('GET', '/v1/nodes/bmc').text
        for text in (json.dumps(node), shown):
            self.assertNotIn('Pw-1', text)
            self.assertNotIn('Pw-2', text)
        self.assertEqual('http://admin:******@127.0.0.1:1',
                         node['driver_info']['redfish_address'])
        for guess in ('Pw-2', 'wrong'):
            response = self.api('PATCH', '/v1/nodes/bmc', json=[
                {'op': 'test', 'path': '/driver_info/ipmi_password',
                 'value': guess}])
            self.assert_error(response, 400, 'invalid_parameter')
