"""The bare-metal API's request context, by ``[api]auth_strategy``."""

from oslo_context import context
from pecan import hooks

import async_api


#: The longest project or user id: their columns' length.
MAX_ID_LENGTH = 255


def _header(request, name):
    value = request.headers.get(name) or None
    if value is not None and len(value) > MAX_ID_LENGTH:
        raise async_api.exception.InvalidParameter(
            '%s is longer than %d characters' % (name, MAX_ID_LENGTH))
    return value


class NoAuthContextHook(hooks.PecanHook):
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
            project_id = _header(request, 'X-Project-Id')
            user_id = _header(request, 'X-User-Id')
        request.context = context.RequestContext(
            request_id=async_api.errors.request_id(request.environ),
            project_id=project_id,
            user_id=user_id,
            is_admin=False)
