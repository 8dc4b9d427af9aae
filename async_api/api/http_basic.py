"""HTTP Basic credentials checked against an htpasswd file.

The file is Apache's, of bcrypt hashes only (``htpasswd -B``): one
``user:hash`` line per user. The checking is oslo.middleware's
(:mod:`oslo_middleware.basic_auth`). Its ``BasicAuthMiddleware`` is not
used: it reads the file's path from the global ``cfg.CONF`` only, answers
any exception of the app behind it with a 401 that quotes the exception,
and sends no ``WWW-Authenticate``.
"""

from oslo_log import log
from oslo_middleware import basic_auth
from oslo_middleware import exceptions as middleware_exceptions
import webob.exc

from async_api.common import exception

LOG = log.getLogger(__name__)

#: The challenge of every 401: the client is to send Basic credentials.
CHALLENGE = 'Basic realm="async_api", charset="UTF-8"'


class UserFile:
    """The users of one htpasswd file.

    :raises ValueError: no path, or a file that cannot be read or holds a
        hash that is not bcrypt; checked now, so that a service with a
        broken file fails to start instead of refusing everyone.
    """

    def __init__(self, path):
        if not path:
            raise ValueError('HTTP Basic authentication needs an htpasswd '
                             'file')
        try:
            basic_auth.validate_auth_file(path)
        except middleware_exceptions.ConfigInvalid:
            raise ValueError('Cannot read the htpasswd file %s' % path) \
                from None
        except webob.exc.HTTPException as error:
            raise ValueError('Invalid htpasswd file %s: %s'
                             % (path, error.detail)) from None
        self.path = path

    def user(self, environ):
        """The name of the user whose credentials the request carries.

        The ``Authorization`` header is removed from ``environ``: nothing
        behind needs the password.

        :raises async_api.exception.Unauthorized: no credentials, not
            Basic ones, or a wrong user name or password.
        """
        try:
            token = basic_auth.parse_header(environ)
            name, password = basic_auth.parse_token(token)
        except webob.exc.HTTPException as error:
            raise exception.Unauthorized(
                error.detail or 'HTTP Basic credentials are required.',
                challenge=CHALLENGE) from None
        try:
            found = basic_auth.authenticate(self.path, name, password)
        except webob.exc.HTTPUnauthorized:
            raise exception.Unauthorized(
                'Wrong user name or password.', challenge=CHALLENGE) from None
        except webob.exc.HTTPBadRequest as error:
            # The file became unreadable, or this user's hash is not
            # bcrypt: the server's fault, logged and answered 500.
            raise RuntimeError('Cannot check the credentials of %r against '
                               '%s: %s' % (name, self.path, error.detail))
        return found['HTTP_X_USER_NAME']
