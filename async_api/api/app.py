"""The WSGI application of the REST API.

From the outside in: oslo.middleware's ``RequestId`` (every response
carries ``x-openstack-request-id``), :class:`~async_api.api.errors.
ErrorMiddleware` (every error is an API-SIG body),
:class:`~async_api.api.idempotency.IdempotencyMiddleware` (replays of
requests with an ``Idempotency-Key``), then Pecan with the hooks of
:mod:`async_api.api.hooks`.
"""

from oslo_middleware import request_id
import pecan

from async_api.api.controllers import root
from async_api.api import errors
from async_api.api import hooks
from async_api.api import idempotency
from async_api import conf as async_conf

# Pecan's configuration, in code: there is no config.py to find and load.
PECAN_CONFIG = {
    # Tracebacks go to the log, never into a response.
    'debug': False,
    # /v1/nodes and /v1/nodes/ are the same; no redirects to add a slash.
    'force_canonical': False,
    # A node named "web.json" is a name, not a request for JSON.
    'guess_content_type_from_ext': False,
}


def setup_app(conf=None):
    """Build the WSGI application.

    :param conf: an oslo.config ``ConfigOpts`` with the ``[api]`` group
        registered; ``async_api.conf.CONF`` by default.
    """
    conf = conf or async_conf.CONF
    app = pecan.make_app(
        root.RootController(),
        hooks=[hooks.ConfigHook(conf), hooks.ContextHook(conf),
               hooks.NoExceptionTracebackHook()],
        **PECAN_CONFIG)
    app = idempotency.IdempotencyMiddleware(app, conf)
    app = errors.ErrorMiddleware(app)
    return request_id.RequestId(app)
