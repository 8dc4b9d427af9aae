"""Version discovery, healthcheck and the shape of every error."""

from unittest import mock

import fixtures

from async_api.baremetal.api import root
from async_api.api import hooks
from async_api.baremetal.db import nodes as db_nodes
from async_api.tests.unit.api import base


class TestRoot(base.APITestCase):

    def test_versions(self):
        response = self.app.get('/')
        self.assertEqual('application/json', response.content_type)
        self.assertTrue(response.headers['x-openstack-request-id']
                        .startswith('req-'))
        versions = response.json['versions']
        self.assertEqual(['v1'], [v['id'] for v in versions])
        self.assertEqual([{'href': 'http://localhost/v1', 'rel': 'self'}],
                         versions[0]['links'])
        self.assertEqual('v1', response.json['default_version']['id'])

    def test_v1_links(self):
        body = self.get_json('/v1')
        self.assertEqual('v1', body['id'])
        self.assertEqual('http://localhost/v1/nodes',
                         body['nodes'][0]['href'])
        self.assertEqual('http://localhost/v1/tasks',
                         body['tasks'][0]['href'])

    def test_public_endpoint_in_links(self):
        self.config(public_endpoint='https://api.example.com/async/',
                    group='async_api_api')
        body = self.get_json('/v1')
        self.assertEqual('https://api.example.com/async/v1/nodes',
                         body['nodes'][0]['href'])

    def test_healthcheck(self):
        response = self.app.get('/healthcheck')
        self.assertEqual(200, response.status_code)
        self.assertTrue(response.headers['x-openstack-request-id']
                        .startswith('req-'))

    def test_healthcheck_database_down(self):
        # The HTTP side of the check; its probe against a database that
        # refuses writes is async_api.tests.functional.api.test_server.
        self.useFixture(fixtures.MockPatch(
            'async_api.db.engine.from_conf',
            side_effect=RuntimeError('database is gone')))
        response = self.app.get('/healthcheck', expect_errors=True)
        self.assert_error(response, 503, 'service_unavailable')
        self.assertEqual('5', response.headers['Retry-After'])


class TestErrors(base.APITestCase):

    def test_unknown_path(self):
        for path in ('/nope', '/v1/nope', '/v1/nodes/x/nope',
                     '/v1/tasks/x/nope'):
            response = self.app.get(path, expect_errors=True)
            self.assert_error(response, 404, 'not_found')

    def test_method_not_allowed(self):
        for method, path in (('post', '/'), ('delete', '/v1'),
                             ('put', '/v1/nodes'), ('post', '/v1/tasks'),
                             ('delete', '/v1/tasks/x'),
                             ('get', '/v1/nodes/x/states/power')):
            response = getattr(self.app, method)(path, expect_errors=True)
            self.assert_error(response, 405, 'method_not_allowed')

    def test_invalid_query_argument(self):
        response = self.app.get('/v1/nodes?limit=abc', expect_errors=True)
        error = self.assert_error(response, 400, 'invalid_parameter')
        self.assertIn('limit', error['detail'])
        response = self.app.get('/v1/nodes?bogus=1', expect_errors=True)
        self.assert_error(response, 400, 'invalid_parameter')

    def _assert_fault(self, response, logger):
        error = self.assert_error(response, 500, 'internal_error')
        self.assertNotIn('internal secret', response.text)
        self.assertIn(error['request_id'], error['detail'])
        # The same request id is in the server log, with the traceback.
        self.assertIn(error['request_id'], logger.output)
        self.assertIn('internal secret', logger.output)
        self.assertIn('Traceback', logger.output)

    def test_fault_in_wsme_controller(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='async_api.api.errors', level='ERROR'))
        self.useFixture(fixtures.MockPatchObject(
            db_nodes, 'list_nodes',
            side_effect=RuntimeError('internal secret')))
        response = self.app.get('/v1/nodes', expect_errors=True)
        self._assert_fault(response, logger)

    def test_fault_outside_wsme(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='async_api.api.errors', level='ERROR'))
        self.useFixture(fixtures.MockPatchObject(
            root, '_v1_version',
            side_effect=RuntimeError('internal secret')))
        response = self.app.get('/', expect_errors=True)
        self._assert_fault(response, logger)

    def test_client_request_id_is_not_trusted_blindly(self):
        # oslo.middleware makes its own request id; a client's is global.
        response = self.app.get(
            '/nope', headers={'X-OpenStack-Request-ID': 'req-mine'},
            expect_errors=True)
        error = self.assert_error(response, 404, 'not_found')
        self.assertNotEqual('req-mine', error['request_id'])

    def test_traceback_hook_strips_fault(self):
        state = mock.Mock()
        state.response.status_int = 500
        state.response.body = (b'{"faultstring": "boom\\nTraceback (most '
                               b'recent call last): x", "debuginfo": "tb"}')
        hooks.NoExceptionTracebackHook().after(state)
        self.assertEqual(b'{"faultstring": "boom", "debuginfo": null}',
                         state.response.body)
