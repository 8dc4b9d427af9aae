"""Who is calling: authentication by strategy, and the request context.

:class:`Authentication` wraps a service's WSGI app (through
:func:`async_api.api.app.wrap`) in one of three strategies:

``noauth``
    Nobody is authenticated and every request acts as one fixed
    administrator (:func:`admin_identity`). For a service that only its
    operator can reach.
``http_basic``
    HTTP Basic credentials checked against an Apache htpasswd file of
    bcrypt hashes (:mod:`async_api.api.http_basic`).
``keystone``
    A Keystone token checked by keystonemiddleware's ``auth_token``,
    configured from the ``[keystone_authtoken]`` group of the service's
    ``ConfigOpts``.

Whatever the strategy, the identity headers a client sent (``X-Project-Id``,
``X-User-Id``, ``X-Roles``, ``OpenStack-System-Scope``, ...) are removed
first, and the authenticated identity is stored in the WSGI environment as
an oslo.context ``RequestContext`` (:func:`context` reads it): the
idempotency middleware, the hooks and the controllers all read that one.
Public paths (the version document and the healthcheck) are served
without credentials, with an anonymous context.
"""

from oslo_context import context as oslo_context

from async_api.api import errors
from async_api.api import http_basic
from async_api.common import exception

#: Where the authenticated ``RequestContext`` is kept in the environment.
ENV_CONTEXT = 'async_api.context'

#: The strategies :class:`Authentication` knows.
STRATEGIES = ('noauth', 'http_basic', 'keystone')

#: Paths served without credentials: version discovery must work before
#: a client has any, and a load balancer's probe has none.
PUBLIC_PATHS = ('/', '/healthcheck')

#: The roles of a caller allowed everything (noauth, or an htpasswd user
#: with no project), as Keystone's default roles imply one another.
ADMIN_ROLES = ('admin', 'member', 'reader')

#: The roles of an htpasswd user given a project.
PROJECT_ROLES = ('member', 'reader')

#: The user every request acts as under ``noauth``.
NOAUTH_USER = 'admin'

#: The environment keys of identity headers, which only an authenticating
#: middleware may set: those oslo.context reads and those keystonemiddleware
#: sets (``X-Tenant-*``, ``X-Role``, ``X-Service-*`` ... included).
_IDENTITY_PREFIXES = ('HTTP_X_USER', 'HTTP_X_PROJECT', 'HTTP_X_TENANT',
                      'HTTP_X_DOMAIN', 'HTTP_X_ROLE', 'HTTP_X_SERVICE_',
                      'HTTP_X_IDENTITY_STATUS', 'HTTP_X_IS_ADMIN_PROJECT',
                      'HTTP_OPENSTACK_SYSTEM_SCOPE')
# The service token is a credential auth_token checks, not an identity.
_KEEP = frozenset(('HTTP_X_SERVICE_TOKEN',))


def strip_identity(environ):
    """Remove every identity header a client sent."""
    for key in [key for key in environ
                if key.startswith(_IDENTITY_PREFIXES) and key not in _KEEP]:
        del environ[key]


def admin_identity(user):
    """An administrator's identity: no project, system scope ``all``."""
    return {'user_id': user, 'user_name': user, 'project_id': None,
            'roles': list(ADMIN_ROLES), 'system_scope': 'all',
            'is_admin': True}


def project_identity(user, project_id):
    """A project member's identity, not an administrator."""
    return {'user_id': user, 'user_name': user, 'project_id': project_id,
            'roles': list(PROJECT_ROLES), 'system_scope': None,
            'is_admin': False}


def make_context(environ, **identity):
    """A ``RequestContext`` for this request with ``identity``.

    The request ids come from the environment (oslo.middleware's
    ``RequestId``); no identity header is read, as they were stripped,
    and no token is kept: only ``keystone`` has tokens to pass on.
    """
    identity.setdefault('request_id', errors.request_id(environ))
    identity.setdefault('auth_token', None)
    return oslo_context.RequestContext.from_environ(environ, **identity)


def context(environ):
    """The ``RequestContext`` of this request.

    The one :class:`Authentication` stored; without it (a service that
    authenticates in a middleware of its own, outside
    :func:`async_api.api.app.wrap`) one built from the identity headers
    that middleware set, and stored for the next reader.
    """
    found = environ.get(ENV_CONTEXT)
    if found is None:
        found = oslo_context.RequestContext.from_environ(
            environ, request_id=errors.request_id(environ))
        environ[ENV_CONTEXT] = found
    return found


def _is_public(environ, public_paths):
    path = environ.get('PATH_INFO', '').rstrip('/') or '/'
    return path in public_paths


class _Authenticated:
    """Strip the client's identity headers, then authenticate.

    ``protected`` is the app behind the strategy's check; public paths go
    to ``app`` directly with an anonymous context.
    """

    def __init__(self, app, protected, public_paths):
        self.app = app
        self.protected = protected
        self.public_paths = frozenset(
            path.rstrip('/') or '/' for path in public_paths)

    def __call__(self, environ, start_response):
        strip_identity(environ)
        if _is_public(environ, self.public_paths):
            environ[ENV_CONTEXT] = make_context(environ, is_admin=False)
            return self.app(environ, start_response)
        return self.protected(environ, start_response)


class _NoAuth:
    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        identity = admin_identity(NOAUTH_USER)
        environ[ENV_CONTEXT] = make_context(environ, **identity)
        return self.app(environ, start_response)


class _BasicAuth:
    """The identity of an htpasswd user (see :class:`Authentication`)."""

    def __init__(self, app, user_file, user_projects):
        self.app = app
        self.user_file = user_file
        self.user_projects = user_projects

    def identity(self, user):
        project_id = self.user_projects.get(user)
        if project_id:
            return project_identity(user, project_id)
        return admin_identity(user)

    def __call__(self, environ, start_response):
        user = self.user_file.user(environ)
        environ[ENV_CONTEXT] = make_context(environ, **self.identity(user))
        return self.app(environ, start_response)


class _KeystoneContext:
    """Behind ``auth_token``: the context from the headers it set."""

    def __init__(self, app):
        self.app = app
        # The auth_token in front, for the challenge of its 401s.
        self.auth_token = None

    def __call__(self, environ, start_response):
        # With delay_auth_decision auth_token lets a request without a
        # valid token through, marked Invalid: none reaches the app.
        if environ.get('HTTP_X_IDENTITY_STATUS') != 'Confirmed':
            raise exception.Unauthorized(
                'A valid Keystone token is required.',
                challenge='Keystone uri="%s"'
                % self.auth_token.www_authenticate_uri)
        found = oslo_context.RequestContext.from_environ(
            environ, request_id=errors.request_id(environ))
        # The legacy meaning of is_admin (oslo.policy's usual
        # "context_is_admin": "role:admin"): the token has the admin role.
        found.is_admin = 'admin' in found.roles
        environ[ENV_CONTEXT] = found
        return self.app(environ, start_response)


class Authentication:
    """How a service authenticates its API requests.

    Give it to :func:`async_api.api.app.wrap` (``async_api.wrap_app(app,
    conf, auth=...)``), which places it outside the body and idempotency
    middlewares, so an unauthenticated request is answered 401 before its
    body is read or its key claimed.

    :param strategy: one of :data:`STRATEGIES`.
    :param user_file: ``http_basic``: the htpasswd file of bcrypt hashes.
    :param user_projects: ``http_basic``: ``{user name: project id}``.
        A user named here acts in that project with the roles member and
        reader; any other user of the file is an administrator with
        system scope ``all``, as in Ironic.
    :param public_paths: paths served without credentials.
    :raises ValueError: an unknown strategy, or ``http_basic`` without a
        readable user file: the service must not start half-secured.
    """

    def __init__(self, strategy, user_file=None, user_projects=None,
                 public_paths=PUBLIC_PATHS):
        if strategy not in STRATEGIES:
            raise ValueError('Unknown authentication strategy %r; expected '
                             'one of %s' % (strategy, ', '.join(STRATEGIES)))
        self.strategy = strategy
        self.public_paths = tuple(public_paths)
        self.user_file = None
        if strategy == 'http_basic':
            self.user_file = http_basic.UserFile(user_file)
        self.user_projects = dict(user_projects or {})

    def wrap(self, app, conf):
        """``app`` behind this authentication.

        :param conf: the service's ``ConfigOpts``; ``keystone`` reads its
            ``[keystone_authtoken]`` group.
        """
        if self.strategy == 'noauth':
            # No public paths: every one acts as the one administrator.
            return _Authenticated(app, _NoAuth(app), ())
        if self.strategy == 'http_basic':
            protected = _BasicAuth(app, self.user_file, self.user_projects)
        else:
            # Imported here: an embedded service never loads it.
            from keystonemiddleware import auth_token
            inner = _KeystoneContext(app)
            protected = auth_token.AuthProtocol(
                inner, {'oslo_config_config': conf})
            inner.auth_token = protected
        return _Authenticated(app, protected, self.public_paths)
