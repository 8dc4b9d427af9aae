"""Pecan's guard on every attribute read is left out only where it has
nothing to catch, and what is not UTF-8 is still a 400."""

import fixtures
from pecan import core
import testtools
import webob

from async_api.api import body
from async_api.api import pecan_request
from async_api.common import exception
from async_api.tests.unit.api import base


def _environ(path='/v1/nodes', query='', checked=True, **extra):
    environ = webob.Request.blank(path).environ
    environ['QUERY_STRING'] = query
    if checked:
        environ[body.ENV_CHECKED] = True
        environ[pecan_request.ENV_URL_CHECKED] = True
    environ.update(extra)
    return environ


class TestRequestClass(testtools.TestCase):

    def assert_guarded(self, environ, guarded):
        request = pecan_request.request(environ)
        self.assertIsInstance(request, core.Request)
        self.assertEqual(not guarded,
                         isinstance(request, pecan_request.Request))

    def test_checked_request_is_unguarded(self):
        self.assert_guarded(_environ(query='name=caf%C3%A9&limit=2'), False)

    def test_unchecked_keeps_the_guard(self):
        self.assert_guarded(_environ(checked=False), True)
        environ = _environ()
        del environ[body.ENV_CHECKED]
        self.assert_guarded(environ, True)
        environ = _environ()
        del environ[pecan_request.ENV_URL_CHECKED]
        self.assert_guarded(environ, True)

    def test_cookie_keeps_the_guard(self):
        self.assert_guarded(_environ(HTTP_COOKIE='a=b'), True)


class TestURLCheck(testtools.TestCase):

    def check(self, environ):
        seen = []
        app = pecan_request.URLCheck(lambda env, start: seen.append(env))
        app(environ, None)
        return seen[0]

    def test_utf8(self):
        environ = self.check(_environ('/v1/nodes/caf%C3%A9',
                                      'name=caf%C3%A9', checked=False))
        self.assertTrue(environ[pecan_request.ENV_URL_CHECKED])

    def test_not_utf8(self):
        for environ in (_environ('/v1/nodes/%FF', checked=False),
                        _environ(query='name=%FF', checked=False),
                        _environ(query='%C3=%A9', checked=False),
                        _environ(SCRIPT_NAME='/\u00ff', checked=False)):
            self.assertRaises(exception.InvalidParameter, self.check,
                              environ)
            self.assertNotIn(pecan_request.ENV_URL_CHECKED, environ)

    def test_unguarded_request_reads_like_pecans(self):
        environ = _environ('/v1/nodes/caf%C3%A9', 'name=caf%C3%A9')
        request = pecan_request.request(environ)
        self.assertEqual('/v1/nodes/caf\u00e9', request.path_info)
        self.assertEqual({'name': 'caf\u00e9'}, dict(request.GET))


class TestURLNotUTF8(base.APITestCase):
    """Answered 400 (a 500 without Pecan's guard), nothing stored, and no
    traceback logged (Pecan's guard logged one at ERROR)."""

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger())

    def tearDown(self):
        self.assertNotIn('Traceback', self.logger.output)
        super().tearDown()

    def test_path(self):
        self.create_node(name='n1')
        for method, path in (('GET', '/v1/nodes/%FF'),
                             ('GET', '/v1/tasks/%FF'),
                             ('PUT', '/v1/nodes/%FF/states/power')):
            response = self.app.request(
                path, method=method, body=b'{"target": "on"}',
                content_type='application/json', expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')
        self.assertEqual([], self.get_json('/v1/tasks')['tasks'])

    def test_query(self):
        for query in ('name=%FF', 'limit=%FF%FE', '%FF=1'):
            response = self.app.get('/v1/nodes?' + query, expect_errors=True)
            self.assert_error(response, 400, 'invalid_parameter')
        response = self.app.get('/v1/tasks?state=%FF', expect_errors=True)
        self.assert_error(response, 400, 'invalid_parameter')

    def test_wrapped_app_serves_unguarded(self):
        # Through wrap_app's middlewares both marks are set: Pecan gets
        # the unguarded class for a well-formed request.
        served = []

        class Spy(pecan_request.Request):
            def __init__(self, environ):
                served.append(self)
                super().__init__(environ)

        self.useFixture(fixtures.MockPatchObject(pecan_request, 'Request',
                                                 Spy))
        self.app.get('/v1/nodes?limit=5')
        self.app.put_json('/v1/nodes/nowhere/states/power',
                          {'target': 'on'}, expect_errors=True)
        self.assertEqual(2, len(served))
