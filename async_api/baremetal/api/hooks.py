"""The bare-metal API's request context, by ``[api]auth_strategy``."""

from oslo_context import context
from pecan import hooks

import async_api


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
            project_id = request.headers.get('X-Project-Id') or None
            user_id = request.headers.get('X-User-Id') or None
        request.context = context.RequestContext(
            request_id=async_api.errors.request_id(request.environ),
            project_id=project_id,
            user_id=user_id,
            is_admin=False)
