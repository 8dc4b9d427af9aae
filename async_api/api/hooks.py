"""Pecan hooks: request context, configuration, no tracebacks."""

import json

from oslo_context import context
from pecan import hooks

from async_api.api import auth


class ContextHook(hooks.PecanHook):
    """Give each request an oslo.context ``RequestContext``, unless an
    earlier hook gave it one.

    The one the service's authentication stored
    (:func:`async_api.api.auth.context`); a service that builds its
    context otherwise passes its own hook to
    :func:`async_api.api.app.make_hooks`.
    """

    # on_route, not before: _lookup methods resolve resources while the
    # request is being routed.
    def on_route(self, state):
        # Pecan gives every request a plain dict as its context.
        if not isinstance(getattr(state.request, 'context', None),
                          context.RequestContext):
            state.request.context = auth.context(state.request.environ)


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
