"""HTTP Basic credentials checked against an htpasswd file.

The file is Apache's, of bcrypt hashes only (``htpasswd -B``): one
``user:hash`` line per user. Parsing the header and the file's entries
and checking a hash is oslo.middleware's (:mod:`oslo_middleware.
basic_auth`). Its ``BasicAuthMiddleware`` is not used: it reads the
file's path from the global ``cfg.CONF`` only, answers any exception of
the app behind it with a 401 that quotes the exception, sends no
``WWW-Authenticate``, and runs bcrypt on every request of a user, which
costs up to a second each on a loaded host; credentials checked once are
remembered here for :data:`CACHE_SECONDS`.
"""

import hmac
import os
import time

import bcrypt
from oslo_log import log
from oslo_middleware import basic_auth
from oslo_middleware import exceptions as middleware_exceptions
import webob.exc

from async_api.common import exception

LOG = log.getLogger(__name__)

#: The challenge of every 401: the client is to send Basic credentials.
CHALLENGE = 'Basic realm="async_api", charset="UTF-8"'

#: How long a checked user and password are taken as good without
#: checking the bcrypt hash again: each check costs what its rounds say
#: (a quarter of a second at bcrypt's default 12), on every request.
CACHE_SECONDS = 300

#: The most checked credentials kept; past it, all are forgotten.
CACHE_SIZE = 1024


def _first_cost(path):
    """The rounds of the file's first hash, for the decoy of unknowns."""
    with open(path) as f:
        for line in f:
            crypted = line.strip().partition(':')[2]
            if crypted[:1] == '$' and crypted[4:6].isdigit():
                return int(crypted[4:6])
    return 12


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
        self._secret = os.urandom(32)
        self._verified = {}
        self._decoy = bcrypt.hashpw(b'decoy', bcrypt.gensalt(
            rounds=_first_cost(path)))

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
        self._check(name, password)
        return name

    def _entry(self, name):
        """The file's line of ``name``, or None.

        Read at each request, so that an edit of the file applies at once.
        """
        prefix = name + ':'
        try:
            with open(self.path) as f:
                for line in f:
                    entry = line.strip()
                    if entry.startswith(prefix):
                        return entry
        except OSError as error:
            # The server's fault, logged and answered 500.
            raise RuntimeError('Cannot read the htpasswd file %s: %s'
                               % (self.path, error)) from None
        return None

    def _check(self, name, password):
        entry = self._entry(name)
        if entry is None:
            # As slow as a wrong password: the time of the answer must not
            # tell which users exist.
            bcrypt.checkpw(password, self._decoy)
            LOG.info('HTTP Basic user %s not found', name)
            raise exception.Unauthorized('Wrong user name or password.',
                                         challenge=CHALLENGE)
        # The line (so its hash) is in the key: a changed or removed
        # password is never served from here. The password is kept only
        # as a keyed digest.
        key = (entry, hmac.new(self._secret, password, 'sha256').digest())
        now = time.monotonic()
        if self._verified.get(key, 0) > now:
            return
        try:
            basic_auth.auth_entry(entry, password)
        except webob.exc.HTTPUnauthorized:
            raise exception.Unauthorized(
                'Wrong user name or password.', challenge=CHALLENGE) from None
        except webob.exc.HTTPBadRequest as error:
            # This user's hash is not bcrypt: the server's fault.
            raise RuntimeError('Cannot check the credentials of %r against '
                               '%s: %s' % (name, self.path, error.detail))
        if len(self._verified) >= CACHE_SIZE:
            self._verified.clear()
        self._verified[key] = now + CACHE_SECONDS
