"""The request context each authentication strategy gives a request.

A small Pecan app that answers with its request's context, wrapped by
``async_api.wrap_app`` in an :class:`async_api.Authentication`. Against a
real Keystone, see the functional tests; here ``keystone`` is checked up
to auth_token's door: its public paths, and the context built from the
headers auth_token sets.
"""

import base64
import os

import bcrypt
import fixtures
from oslo_config import cfg
import pecan
import webtest

import async_api
from async_api.api import auth
from async_api.tests import base

#: Identity headers a client may forge; no strategy may believe them.
FORGED = {'X-Project-Id': 'victim', 'X-User-Id': 'mallory',
          'X-Roles': 'admin', 'X-Tenant-Id': 'victim',
          'OpenStack-System-Scope': 'all', 'X-Identity-Status': 'Confirmed',
          'X-User': 'mallory', 'X-Service-Roles': 'service'}


def _describe(found):
    return {'user_id': found.user_id, 'user_name': found.user_name,
            'project_id': found.project_id, 'roles': sorted(found.roles),
            'system_scope': found.system_scope, 'is_admin': found.is_admin,
            'auth_token': found.auth_token,
            'request_id': found.request_id}


class _Root:

    @pecan.expose('json')
    def index(self):
        return _describe(pecan.request.context)

    @pecan.expose('json')
    def whoami(self):
        return _describe(pecan.request.context)


def basic(user, password):
    token = base64.b64encode(('%s:%s' % (user, password)).encode())
    return {'Authorization': 'Basic ' + token.decode()}


class AuthTestCase(base.TestCase):

    def serve(self, authentication):
        conf = cfg.CONF
        app = pecan.make_app(_Root(), hooks=async_api.make_hooks(conf),
                             **async_api.PECAN_CONFIG)
        return webtest.TestApp(async_api.wrap_app(app, conf,
                                                  auth=authentication))

    def whoami(self, app, path='/whoami', **headers):
        response = app.get(path, headers=headers)
        body = response.json
        self.assertEqual(response.headers['x-openstack-request-id'],
                         body.pop('request_id'))
        return body


class TestNoAuth(AuthTestCase):

    ADMIN = {'user_id': 'admin', 'user_name': 'admin', 'project_id': None,
             'roles': ['admin', 'member', 'reader'], 'system_scope': 'all',
             'is_admin': True, 'auth_token': None}

    def test_one_administrator(self):
        app = self.serve(async_api.Authentication('noauth'))
        self.assertEqual(self.ADMIN, self.whoami(app))

    def test_identity_headers_change_nothing(self):
        app = self.serve(async_api.Authentication('noauth'))
        self.assertEqual(self.ADMIN, self.whoami(
            app, **dict(FORGED, **{'X-Auth-Token': 'forged'})))

    def test_public_paths_too(self):
        app = self.serve(async_api.Authentication('noauth'))
        self.assertEqual(self.ADMIN, self.whoami(app, '/', **FORGED))


class TestHttpBasic(AuthTestCase):

    def setUp(self):
        super().setUp()
        self.user_file = os.path.join(self.state_path, 'htpasswd')
        with open(self.user_file, 'w') as f:
            for user, password in (('root', b'r00t'), ('ann', b'ann-pw')):
                hashed = bcrypt.hashpw(password, bcrypt.gensalt(rounds=4))
                f.write('%s:%s\n' % (user, hashed.decode()))
        self.app = self.serve(async_api.Authentication(
            'http_basic', user_file=self.user_file,
            user_projects={'ann': 'p-ann'}))

    def test_user_without_project_is_an_administrator(self):
        self.assertEqual(
            {'user_id': 'root', 'user_name': 'root', 'project_id': None,
             'roles': ['admin', 'member', 'reader'], 'system_scope': 'all',
             'is_admin': True, 'auth_token': None},
            self.whoami(self.app, **dict(FORGED, **basic('root', 'r00t'))))

    def test_user_with_project_is_a_member_of_it(self):
        self.assertEqual(
            {'user_id': 'ann', 'user_name': 'ann', 'project_id': 'p-ann',
             'roles': ['member', 'reader'], 'system_scope': None,
             'is_admin': False, 'auth_token': None},
            self.whoami(self.app, **dict(FORGED, **basic('ann', 'ann-pw'))))

    def assert_unauthorized(self, response, detail):
        self.assertEqual(401, response.status_int)
        self.assertEqual('Basic realm="async_api", charset="UTF-8"',
                         response.headers['WWW-Authenticate'])
        [error] = response.json['errors']
        self.assertEqual(
            {'status': 401, 'code': 'unauthorized', 'title': 'Unauthorized',
             'detail': detail,
             'request_id': response.headers['x-openstack-request-id']},
            error)

    def test_missing_credentials(self):
        self.assert_unauthorized(
            self.app.get('/whoami', headers=FORGED, expect_errors=True),
            'HTTP Basic credentials are required.')

    def test_wrong_password(self):
        self.assert_unauthorized(
            self.app.get('/whoami', headers=basic('ann', 'r00t'),
                         expect_errors=True),
            'Wrong user name or password.')

    def test_unknown_user(self):
        self.assert_unauthorized(
            self.app.get('/whoami', headers=basic('bob', 'r00t'),
                         expect_errors=True),
            'Wrong user name or password.')

    def test_not_basic_credentials(self):
        self.assert_unauthorized(
            self.app.get('/whoami', headers={'Authorization': 'Bearer x'},
                         expect_errors=True),
            'Unsupported authorization type "Bearer"')
        self.assert_unauthorized(
            self.app.get('/whoami', headers={'Authorization': 'Basic !!'},
                         expect_errors=True),
            'Could not decode authorization token')

    def test_public_paths_are_anonymous(self):
        anonymous = {'user_id': None, 'user_name': None, 'project_id': None,
                     'roles': [], 'system_scope': None, 'is_admin': False,
                     'auth_token': None}
        self.assertEqual(anonymous, self.whoami(self.app, '/', **FORGED))
        # The library's own healthcheck answers there (503 here: this app
        # has no database); what matters is that no credentials are asked.
        for path in ('/healthcheck', '/healthcheck/'):
            response = self.app.get(path, expect_errors=True)
            self.assertNotEqual(401, response.status_int, response.text)
            self.assertNotIn('WWW-Authenticate', response.headers)

    def test_htpasswd_y_prefix_of_apache(self):
        # htpasswd -B writes $2y$ hashes; bcrypt itself writes $2b$.
        hashed = bcrypt.hashpw(b'pw', bcrypt.gensalt(rounds=4)).decode()
        with open(self.user_file, 'a') as f:
            f.write('apache:$2y$%s\n' % hashed[4:])
        self.assertEqual('apache', self.whoami(
            self.app, **basic('apache', 'pw'))['user_id'])

    def count_bcrypt(self):
        calls = []
        real = bcrypt.checkpw

        def counted(password, hashed):
            calls.append(hashed)
            return real(password, hashed)

        self.useFixture(fixtures.MockPatch('bcrypt.checkpw', counted))
        return calls

    def test_checked_credentials_are_remembered(self):
        calls = self.count_bcrypt()
        for _ in range(3):
            self.whoami(self.app, **basic('ann', 'ann-pw'))
        self.assertEqual(1, len(calls))

    def test_wrong_password_is_never_remembered(self):
        self.whoami(self.app, **basic('ann', 'ann-pw'))
        calls = self.count_bcrypt()
        for _ in range(2):
            self.assertEqual(401, self.app.get(
                '/whoami', headers=basic('ann', 'r00t'),
                expect_errors=True).status_int)
        self.assertEqual(2, len(calls))

    def test_changed_password_applies_at_once(self):
        self.whoami(self.app, **basic('ann', 'ann-pw'))
        hashed = bcrypt.hashpw(b'new-pw', bcrypt.gensalt(rounds=4))
        with open(self.user_file, 'w') as f:
            f.write('ann:%s\n' % hashed.decode())
        self.assertEqual(401, self.app.get(
            '/whoami', headers=basic('ann', 'ann-pw'),
            expect_errors=True).status_int)
        self.assertEqual('ann', self.whoami(
            self.app, **basic('ann', 'new-pw'))['user_id'])
        # Removed: refused, though just checked.
        with open(self.user_file, 'w') as f:
            f.write('root:%s\n' % hashed.decode())
        self.assertEqual(401, self.app.get(
            '/whoami', headers=basic('ann', 'new-pw'),
            expect_errors=True).status_int)

    def test_unknown_user_costs_a_bcrypt_check(self):
        # Else the time of a 401 would tell which users exist.
        calls = self.count_bcrypt()
        self.app.get('/whoami', headers=basic('bob', 'x'), expect_errors=True)
        self.assertEqual(1, len(calls))
        self.assertTrue(calls[0].startswith(b'$2b$04$'))

    def test_unreadable_file_stops_the_service(self):
        self.assertRaises(ValueError, async_api.Authentication, 'http_basic',
                          user_file=os.path.join(self.state_path, 'nope'))
        self.assertRaises(ValueError, async_api.Authentication, 'http_basic')

    def test_hash_not_bcrypt_stops_the_service(self):
        with open(self.user_file, 'a') as f:
            f.write('md5user:$apr1$abc$def\n')
        self.assertRaises(ValueError, async_api.Authentication, 'http_basic',
                          user_file=self.user_file)


class TestKeystone(AuthTestCase):

    def test_public_paths_need_no_token(self):
        # No Keystone is configured: auth_token would fail any request it
        # saw, so these were never shown to it.
        app = self.serve(async_api.Authentication('keystone'))
        body = self.whoami(app, '/', **FORGED)
        self.assertEqual({'user_id': None, 'project_id': None, 'roles': [],
                          'is_admin': False, 'system_scope': None},
                         {k: body[k] for k in ('user_id', 'project_id',
                                               'roles', 'is_admin',
                                               'system_scope')})

    def keystone(self, **options):
        """The app behind auth_token, configured from a file alone."""
        path = os.path.join(self.state_path, 'keystone.conf')
        with open(path, 'w') as f:
            f.write('[keystone_authtoken]\nwww_authenticate_uri = '
                    'http://keystone.invalid/identity\n')
            for item in options.items():
                f.write('%s = %s\n' % item)
        cfg.CONF(['--config-file', path], project='async_api',
                 default_config_files=[])
        return self.serve(async_api.Authentication('keystone'))

    def test_delayed_decision_reaches_no_app(self):
        # delay_auth_decision lets a request without a valid token pass
        # auth_token, marked Invalid; it must still be refused, not served
        # with an empty identity (which would be no project's, so all).
        app = self.keystone(delay_auth_decision='true')
        response = app.get('/whoami', headers=FORGED, expect_errors=True)
        self.assertEqual(401, response.status_int)
        self.assertEqual('Keystone uri="http://keystone.invalid/identity"',
                         response.headers['WWW-Authenticate'])
        [error] = response.json['errors']
        self.assertEqual(('unauthorized', 'A valid Keystone token is '
                                          'required.'),
                         (error['code'], error['detail']))

    def test_no_token_is_unauthorized(self):
        # auth_token answers a request without a token itself, from
        # [keystone_authtoken] in the configuration file: no Keystone is
        # needed to refuse it.
        app = self.keystone()
        response = app.get('/whoami', headers=FORGED, expect_errors=True)
        self.assertEqual(401, response.status_int)
        self.assertEqual('Keystone uri="http://keystone.invalid/identity"',
                         response.headers['WWW-Authenticate'])
        [error] = response.json['errors']
        self.assertEqual(('unauthorized', 401, 'Unauthorized'),
                         (error['code'], error['status'], error['title']))

    def test_reads_keystone_authtoken_group(self):
        self.serve(async_api.Authentication('keystone'))
        self.assertIn('www_authenticate_uri', cfg.CONF.keystone_authtoken)

    def _context(self, headers):
        seen = {}

        def app(environ, start_response):
            seen['context'] = auth.context(environ)
            start_response('200 OK', [])
            return [b'']

        environ = {'REQUEST_METHOD': 'GET', 'PATH_INFO': '/',
                   'openstack.request_id': 'req-1',
                   'HTTP_X_IDENTITY_STATUS': 'Confirmed'}
        environ.update(('HTTP_' + name.upper().replace('-', '_'), value)
                       for name, value in headers.items())
        auth._KeystoneContext(app)(environ, lambda *a: None)
        return seen['context']

    def test_context_from_auth_token_headers(self):
        found = self._context({
            'X-User-Id': 'u1', 'X-User-Name': 'ann', 'X-Project-Id': 'p1',
            'X-Roles': 'member,reader', 'X-Auth-Token': 'tok'})
        self.assertEqual(('u1', 'ann', 'p1', ['member', 'reader'], False,
                          'tok', None, 'req-1'),
                         (found.user_id, found.user_name, found.project_id,
                          found.roles, found.is_admin, found.auth_token,
                          found.system_scope, found.request_id))

    def test_admin_role_is_admin(self):
        found = self._context({'X-User-Id': 'u1', 'X-Roles': 'admin,reader',
                               'OpenStack-System-Scope': 'all'})
        self.assertTrue(found.is_admin)
        self.assertEqual('all', found.system_scope)


class TestStrategies(base.TestCase):

    def test_unknown_strategy(self):
        self.assertRaises(ValueError, async_api.Authentication, 'trust-me')

    def test_strip_identity_keeps_the_rest(self):
        environ = {'HTTP_X_PROJECT_ID': 'p', 'HTTP_X_PROJECT_NAME': 'p',
                   'HTTP_X_TENANT': 't', 'HTTP_X_ROLE': 'r',
                   'HTTP_X_DOMAIN_ID': 'd', 'HTTP_X_USER_DOMAIN_NAME': 'd',
                   'HTTP_X_SERVICE_USER_ID': 's',
                   'HTTP_X_IS_ADMIN_PROJECT': 'True',
                   'HTTP_OPENSTACK_SYSTEM_SCOPE': 'all',
                   'HTTP_X_SERVICE_TOKEN': 'keep', 'HTTP_X_AUTH_TOKEN': 'keep',
                   'HTTP_IDEMPOTENCY_KEY': 'keep', 'PATH_INFO': '/'}
        auth.strip_identity(environ)
        self.assertEqual({'HTTP_X_SERVICE_TOKEN': 'keep',
                          'HTTP_X_AUTH_TOKEN': 'keep',
                          'HTTP_IDEMPOTENCY_KEY': 'keep', 'PATH_INFO': '/'},
                         environ)
