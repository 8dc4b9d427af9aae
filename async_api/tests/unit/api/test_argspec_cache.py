"""The argument specs computed once per function, not per request."""

import inspect
from unittest import mock

from oslo_middleware import base as middleware_base
import testtools
import webob

from async_api.api import argspec_cache


class _Middleware(middleware_base.ConfigurableMiddleware):

    def process_response(self, response, request=None):
        response.headers['X-Saw-Request'] = str(request is not None)
        return response


def _app(environ, start_response):
    start_response('200 OK', [('Content-Type', 'text/plain')])
    return [b'ok']


class TestCache(testtools.TestCase):

    def test_one_spec_per_function_whatever_the_bound_method(self):
        original = mock.Mock(wraps=inspect.getfullargspec)
        cached = argspec_cache._cached(original)
        first, second = _Middleware(_app), _Middleware(_app)
        self.assertEqual(inspect.getfullargspec(first.process_response),
                         cached(first.process_response))
        self.assertEqual(cached(first.process_response),
                         cached(second.process_response))
        self.assertEqual(1, original.call_count)

    def test_oslo_middleware_inspects_each_method_once(self):
        argspec_cache.install()
        self.assertIs(argspec_cache.cached_getfullargspec,
                      middleware_base.getfullargspec)
        app = _Middleware(_app)
        counting = mock.Mock(wraps=inspect.getfullargspec)
        with mock.patch.object(middleware_base, 'getfullargspec',
                               argspec_cache._cached(counting)):
            for _ in range(3):
                response = webob.Request.blank('/').get_response(app)
                # It still finds process_response's request argument.
                self.assertEqual('True', response.headers['X-Saw-Request'])
        self.assertEqual(1, counting.call_count)
