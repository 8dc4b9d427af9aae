"""What the library adds around a Pecan application.

A service builds its Pecan app with :data:`PECAN_CONFIG` and the hooks of
:func:`make_hooks`, then wraps it with :func:`wrap`. From the outside in:
oslo.middleware's ``HTTPProxyToWSGI`` (behind a proxy, with
``[oslo_middleware]enable_proxy_headers_parsing``, links and Location
headers use the ``X-Forwarded-Proto``/``-Host`` the client saw),
``RequestId`` (every response carries ``x-openstack-request-id``),
``CORS`` (``[cors]``), :class:`~async_api.api.errors.ErrorMiddleware`
(every error is an API-SIG body), the service's
:class:`~async_api.api.auth.Authentication` (who is calling),
``GET /healthcheck`` (:mod:`async_api.api.health`),
:class:`~async_api.api.pecan_request.URLCheck` (URLs are UTF-8),
:class:`~async_api.api.body.JsonBodyMiddleware` (bodies are bounded,
well-formed JSON),
:class:`~async_api.api.idempotency.IdempotencyMiddleware` (replays of
requests with an ``Idempotency-Key``), then the app with the hooks of
:mod:`async_api.api.hooks`.
"""

from oslo_middleware import cors
from oslo_middleware import http_proxy_to_wsgi
from oslo_middleware import request_id

# The accept path (submit, posting, the jobboard and persistence
# backends) is imported with the app, not by its first request: that
# import took over a second, and an accept must answer at once.
from async_api.api.controllers import action  # noqa: F401
from async_api.api import argspec_cache
from async_api.api import body
from async_api.api import errors
from async_api.api import health
from async_api.api import hooks
from async_api.api import idempotency
from async_api.api import pecan_request
from async_api.api import pecan_routes
from async_api import notifications

argspec_cache.install()
pecan_routes.install()

# Pecan's configuration, in code: there is no config.py to find and load.
PECAN_CONFIG = {
    # Tracebacks go to the log, never into a response.
    'debug': False,
    # /v1/nodes and /v1/nodes/ are the same; no redirects to add a slash.
    'force_canonical': False,
    # A resource named "web.json" is a name, not a request for JSON.
    'guess_content_type_from_ext': False,
    # Pecan's request, without its guard on every attribute read where
    # the request was checked once (see the module).
    'request_cls': pecan_request.request,
}


class _CORS(cors.CORS):
    """oslo.middleware's CORS, stepped over where it has nothing to do.

    With no allowed origin (``[cors]allowed_origin`` unset, the default)
    CORS changes only the answers to ``OPTIONS`` requests (a preflight is
    answered 200 whatever the app says); every other request went through
    its WebOb request and response for nothing: about 4 % of an accept's
    CPU (2 to 9 % in three runs, measured in turns in one process).
    """

    def __call__(self, environ, start_response):
        if (self.allowed_origins
                or environ.get('REQUEST_METHOD') == 'OPTIONS'):
            return super().__call__(environ, start_response)
        return self.application(environ, start_response)


def make_hooks(conf, context_hook=None):
    """The Pecan hooks the library's controllers need.

    :param conf: a ``ConfigOpts`` with the library's options registered.
    :param context_hook: the service's own hook that sets
        ``request.context`` (an oslo.context ``RequestContext``); by
        default :class:`~async_api.api.hooks.ContextHook`, which takes the
        context the authentication (see :func:`wrap`) stored.
    """
    return [hooks.ConfigHook(conf),
            context_hook or hooks.ContextHook(),
            hooks.NoExceptionTracebackHook()]


def wrap(app, conf, auth=None):
    """Wrap a WSGI app in the library's middlewares (see above).

    Notifications are set up here too (:mod:`async_api.notifications`):
    the accept and the cancel of a waiting task record theirs in the API.

    :param auth: an :class:`~async_api.api.auth.Authentication`. Without
        one the identity headers (``X-Project-Id``, ``X-Roles`` ...) are
        trusted as they arrive: only for a service that authenticates
        outside this stack (keystonemiddleware's ``auth_token`` in its own
        paste pipeline, which strips and resets them).
    """
    notifications.setup(conf, service='async-api-api')
    app = idempotency.IdempotencyMiddleware(app, conf)
    app = body.JsonBodyMiddleware(app, conf)
    app = pecan_request.URLCheck(app)
    app = health.HealthcheckMount(app, conf)
    if auth is not None:
        # Outside the body and idempotency middlewares: a stranger is
        # answered 401 before a body is read or a key claimed.
        app = auth.wrap(app, conf)
    app = errors.ErrorMiddleware(app)
    app = _CORS(app, conf)
    app = request_id.RequestId(app)
    return http_proxy_to_wsgi.HTTPProxyToWSGI(app, conf)
