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
    headers say. Without a project the caller is an administrator (it
    sees every project); with one, a member of that project.
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
        admin = project_id is None
        request.context = context.RequestContext(
            request_id=async_api.errors.request_id(request.environ),
            project_id=project_id,
            user_id=user_id,
            roles=['admin', 'member', 'reader'] if admin
            else ['member', 'reader'],
            is_admin=admin)
