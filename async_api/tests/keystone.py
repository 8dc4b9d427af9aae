"""Projects, users and tokens on the real Keystone of the test run.

``tools/test-servers.sh`` starts Keystone (SQLite, fernet tokens,
``keystone-manage bootstrap``) and exports its URL and its admin's
credentials. :class:`KeystoneFixture` makes, for one test, projects and
users with roles in them, each with a unique name so that tests running
side by side never meet, and deletes them afterwards. It speaks
Keystone's v3 API with plain requests: what goes over the wire is what the
test shows.

Keystone's tokens there live a few seconds (``KEYSTONE_TOKEN_EXPIRATION``
in ``tools/test-servers.sh``) so that a test can watch one expire;
:class:`TokenAuth` therefore gets a new token for a request when the one
it holds is about to expire.
"""

import datetime
import os
import secrets
import uuid

import fixtures
import requests

from async_api.tests import servers

URL = servers.KEYSTONE
ADMIN_USER = 'ASYNC_API_TEST_KEYSTONE_ADMIN_USER'
ADMIN_PASSWORD = 'ASYNC_API_TEST_KEYSTONE_ADMIN_PASSWORD'
ADMIN_PROJECT = 'ASYNC_API_TEST_KEYSTONE_ADMIN_PROJECT'

DOMAIN = 'default'
#: A token this close to its expiry is not sent: the request it goes with
#: may take that long to be checked (the service's keystonemiddleware
#: logs in itself, then asks Keystone about the token, on a loaded CI
#: machine).
RENEW_BEFORE = datetime.timedelta(seconds=8)


class KeystoneError(Exception):
    """Keystone answered a call of this module with an unexpected status."""


def _check(response, *expected):
    if response.status_code not in expected:
        raise KeystoneError('%s %s: %s %s' % (
            response.request.method, response.request.url,
            response.status_code, response.text))
    return response


def _utcnow():
    return datetime.datetime.now(datetime.timezone.utc)


class Token:
    """One token: its id, when it expires and Keystone's body for it."""

    def __init__(self, token_id, body):
        self.id = token_id
        self.body = body
        self.expires_at = datetime.datetime.fromisoformat(
            body['expires_at'].replace('Z', '+00:00'))

    def seconds_left(self):
        return (self.expires_at - _utcnow()).total_seconds()

    def expires_soon(self):
        return self.seconds_left() < RENEW_BEFORE.total_seconds()


class User:
    """A Keystone user who can log in, scoped to one project or the system.

    :param project_id: the project its tokens are scoped to; None for a
        system-scoped token (``system: all``).
    """

    def __init__(self, url, name, password, project_id=None, user_id=None):
        self.url = url
        self.name = name
        self.password = password
        self.project_id = project_id
        self.id = user_id
        self._auth = None

    def token(self):
        """Log in with the password: a new :class:`Token`."""
        if self.project_id:
            scope = {'project': {'id': self.project_id}}
        else:
            scope = {'system': {'all': True}}
        body = {'auth': {
            'identity': {'methods': ['password'], 'password': {'user': {
                'name': self.name, 'password': self.password,
                'domain': {'id': DOMAIN}}}},
            'scope': scope}}
        response = _check(requests.post(
            self.url + '/v3/auth/tokens', json=body, timeout=30), 201)
        return Token(response.headers['X-Subject-Token'],
                     response.json()['token'])

    def auth(self):
        """A requests ``auth=`` that sends this user's tokens.

        One for the user, so that its token serves until it runs out.
        """
        if self._auth is None:
            self._auth = TokenAuth(self)
        return self._auth


class TokenAuth(requests.auth.AuthBase):
    """Sends ``X-Auth-Token``, logging in again when the token runs out."""

    def __init__(self, user):
        self.user = user
        self._token = None

    def __call__(self, request):
        if self._token is None or self._token.expires_soon():
            self._token = self.user.token()
        request.headers['X-Auth-Token'] = self._token.id
        return request


class KeystoneFixture(fixtures.Fixture):
    """The test run's Keystone, and what one test makes in it.

    Skips the test on a developer's machine without Keystone, and fails it
    under CI (see :func:`async_api.tests.servers.require`).
    """

    def __init__(self, test):
        super().__init__()
        self.test = test

    def _setUp(self):
        self.url = servers.require(self.test, URL).rstrip('/')
        #: The bootstrap administrator, scoped to the whole system: the
        #: scope Keystone's own policies want for managing users.
        self.admin = User(self.url, os.environ[ADMIN_USER],
                          os.environ[ADMIN_PASSWORD])
        self._admin_project_id = None

    def call(self, method, path, *expected, **kwargs):
        """Call Keystone's API as the system administrator."""
        kwargs.setdefault('timeout', 30)
        return _check(requests.request(
            method, self.url + path, auth=self.admin.auth(), **kwargs),
            *expected)

    def role_id(self, name):
        """The id of role ``name``, made if Keystone has none yet."""
        found = self.call('GET', '/v3/roles', 200,
                          params={'name': name}).json()['roles']
        if found:
            return found[0]['id']
        # 409: another test made it meanwhile.
        response = self.call('POST', '/v3/roles', 201, 409,
                             json={'role': {'name': name}})
        if response.status_code == 201:
            return response.json()['role']['id']
        return self.role_id(name)

    def project(self, prefix='project'):
        """A new project; its id. Deleted at cleanup."""
        name = '%s-%s' % (prefix, uuid.uuid4().hex)
        project_id = self.call('POST', '/v3/projects', 201, json={'project': {
            'name': name, 'domain_id': DOMAIN}}).json()['project']['id']
        self.addCleanup(self.call, 'DELETE', '/v3/projects/' + project_id,
                        204, 404)
        return project_id

    def user(self, project_id, *roles, prefix='user'):
        """A new user with ``roles`` on ``project_id``, scoped to it."""
        name = '%s-%s' % (prefix, uuid.uuid4().hex)
        password = secrets.token_hex(16)
        user_id = self.call('POST', '/v3/users', 201, json={'user': {
            'name': name, 'password': password, 'domain_id': DOMAIN,
            'default_project_id': project_id}}).json()['user']['id']
        self.addCleanup(self.call, 'DELETE', '/v3/users/' + user_id,
                        204, 404)
        for role in roles:
            self.call('PUT', '/v3/projects/%s/users/%s/roles/%s'
                      % (project_id, user_id, self.role_id(role)), 204)
        return User(self.url, name, password, project_id, user_id)

    def admin_project_id(self):
        """The id of the bootstrap administrator's project."""
        if self._admin_project_id is None:
            self._admin_project_id = self.call(
                'GET', '/v3/projects', 200,
                params={'name': os.environ[ADMIN_PROJECT]},
            ).json()['projects'][0]['id']
        return self._admin_project_id

    def project_admin(self):
        """The bootstrap administrator, scoped to its project (role admin)."""
        return User(self.url, self.admin.name, self.admin.password,
                    self.admin_project_id())

    def validate(self, token_id):
        """GET /v3/auth/tokens as the administrator: the response."""
        return self.call('GET', '/v3/auth/tokens', 200, 404,
                         headers={'X-Subject-Token': token_id})

    def revoke(self, token_id):
        self.call('DELETE', '/v3/auth/tokens', 204,
                  headers={'X-Subject-Token': token_id})

    def authtoken_options(self):
        """``[keystone_authtoken]`` for a service that checks tokens here.

        The service logs in as a new user with the ``service`` role, which
        Keystone's policy lets validate other users' tokens.
        """
        user = self.user(self.project('service'), 'service',
                         prefix='service')
        return {
            'www_authenticate_uri': self.url,
            'auth_url': self.url,
            'auth_type': 'password',
            'username': user.name,
            'password': user.password,
            'user_domain_id': DOMAIN,
            'project_id': user.project_id,
        }
