"""Pecan hooks: request context, configuration, no tracebacks."""

import json

from oslo_context import context
from pecan import hooks

from async_api.api import errors


class ContextHook(hooks.PecanHook):
    """Give each request an oslo.context ``RequestContext``.

    With ``[api]auth_strategy = noauth`` nobody is authenticated: the
    project and user are whatever the ``X-Project-Id`` and ``X-User-Id``
    headers say, or None (which sees every project).
    """

    def __init__(self, conf):
        self.conf = conf

    # on_route, not before: _lookup methods resolve resources while the
    # request is being routed.
    def on_route(self, state):
        request = state.request
        project_id = user_id = None
        if self.conf.api.auth_strategy == 'noauth':
            project_id = request.headers.get('X-Project-Id') or None
            user_id = request.headers.get('X-User-Id') or None
        request.context = context.RequestContext(
            request_id=errors.request_id(request.environ),
            project_id=project_id,
            user_id=user_id,
            is_admin=False)


class ConfigHook(hooks.PecanHook):
    """Attach the configuration to each request as ``request.cfg``."""

    def __init__(self, conf):
        self.conf = conf

    def on_route(self, state):
        state.request.cfg = self.conf


class NoExceptionTracebackHook(hooks.PecanHook):
    """Strip any traceback from a WSME fault body.

    :class:`~async_api.api.errors.ErrorMiddleware` rewrites error bodies
    anyway; this keeps a traceback out even if the app is served without
    it (a service mounting the controllers in its own stack).
    """

    def after(self, state):
        response = state.response
        if response.status_int < 400 or not response.body:
            return
        try:
            fault = json.loads(response.body)
        except ValueError:
            return
        if not isinstance(fault, dict) or 'faultstring' not in fault:
            return
        faultstring = str(fault.get('faultstring') or '')
        fault['faultstring'] = faultstring.split('Traceback', 1)[0].strip()
        fault['debuginfo'] = None
        response.body = json.dumps(fault).encode('utf-8')
