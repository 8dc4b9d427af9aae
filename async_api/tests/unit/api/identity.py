"""Keystone-style callers for API tests, without a Keystone.

:class:`TokenMiddleware` does what keystonemiddleware's ``auth_token``
does once it has validated a token: it drops any identity headers the
client sent and sets the ones of the token's owner (``X-Project-Id``,
``X-User-Id``, ``X-Roles``, ``OpenStack-System-Scope``). The app under
it builds its context from them with ``RequestContext.from_environ``
(the library's :class:`~async_api.api.hooks.ContextHook`), as it does
behind the real middleware. Tokens are the names of :data:`CALLERS`.
"""

PROJECT_A = 'project-a'
PROJECT_B = 'project-b'

# Roles as Keystone lists them: with the implied ones (admin implies
# member, member implies reader).
CALLERS = {
    'admin': {'roles': 'admin,member,reader', 'system': 'all'},
    'system-reader': {'roles': 'reader', 'system': 'all'},
    'a-member': {'roles': 'member,reader', 'project': PROJECT_A},
    'a-reader': {'roles': 'reader', 'project': PROJECT_A},
    'b-member': {'roles': 'member,reader', 'project': PROJECT_B},
    'b-reader': {'roles': 'reader', 'project': PROJECT_B},
}

_IDENTITY = ('HTTP_X_PROJECT_ID', 'HTTP_X_TENANT_ID', 'HTTP_X_USER_ID',
             'HTTP_X_ROLES', 'HTTP_X_ROLE', 'HTTP_OPENSTACK_SYSTEM_SCOPE',
             'HTTP_X_IDENTITY_STATUS')


class TokenMiddleware:
    """Trade ``X-Auth-Token: <caller>`` for that caller's identity."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        for name in _IDENTITY:
            environ.pop(name, None)
        caller = CALLERS.get(environ.get('HTTP_X_AUTH_TOKEN'))
        if caller is None:
            start_response('401 Unauthorized',
                           [('Content-Type', 'text/plain')])
            return [b'Authentication required']
        environ['HTTP_X_IDENTITY_STATUS'] = 'Confirmed'
        environ['HTTP_X_USER_ID'] = 'user-' + environ['HTTP_X_AUTH_TOKEN']
        environ['HTTP_X_ROLES'] = caller['roles']
        if 'project' in caller:
            environ['HTTP_X_PROJECT_ID'] = caller['project']
        if 'system' in caller:
            environ['HTTP_OPENSTACK_SYSTEM_SCOPE'] = caller['system']
        return self.app(environ, start_response)
