"""The request context in a service's own Pecan app.

Pecan gives every request a dict as ``request.context``; neither the
library's ContextHook nor the fallback of async_api.api.request may take
it for a context already set.
"""

from oslo_context import context as oslo_context
import pecan
import testtools
import webtest

import async_api
from async_api.api import request as api_request
from async_api.baremetal import conf as async_conf


class _Root:

    @pecan.expose('json')
    def hooked(self):
        found = pecan.request.context
        return {'is_context': isinstance(found, oslo_context.RequestContext),
                'project_id': getattr(found, 'project_id', None)}

    @pecan.expose('json')
    def fallback(self):
        found = api_request.context()
        return {'is_context': isinstance(found, oslo_context.RequestContext),
                'project_id': found.project_id}


class TestContext(testtools.TestCase):

    def _app(self, hooks):
        return webtest.TestApp(pecan.make_app(
            _Root(), hooks=hooks, **async_api.PECAN_CONFIG))

    def test_context_hook_sets_a_request_context(self):
        async_conf.register_opts(async_conf.CONF)
        app = self._app(async_api.make_hooks(async_conf.CONF))
        body = app.get('/hooked', headers={'X-Project-Id': 'p1'}).json
        self.assertEqual({'is_context': True, 'project_id': 'p1'}, body)

    def test_fallback_builds_one_without_hooks(self):
        app = self._app([])
        body = app.get('/fallback', headers={'X-Project-Id': 'p2'}).json
        self.assertEqual({'is_context': True, 'project_id': 'p2'}, body)
