"""The keystone auth strategy against a real Keystone, over HTTP.

The Keystone is the one ``tools/test-servers.sh`` starts (its own
virtualenv, SQLite, fernet tokens, tokens that expire after a few
seconds); the service is the reference service's ``async-api-all`` with
``[api]auth_strategy = keystone``, its keystonemiddleware logging in as a
service user of that Keystone. Nothing is faked: every token here is one
Keystone issued (or, for the wrong ones, refused).
"""

import time

from async_api.tests import base
from async_api.tests.functional.api import base as api_base
from async_api.tests import keystone


class TestKeystoneServer(base.TestCase):
    """The test Keystone itself: the fixture's users get real tokens."""

    def setUp(self):
        super().setUp()
        self.keystone = self.useFixture(keystone.KeystoneFixture(self))

    def test_issues_and_validates_a_project_token(self):
        project = self.keystone.project()
        user = self.keystone.user(project, 'member')
        token = user.token()

        response = self.keystone.validate(token.id)
        self.assertEqual(200, response.status_code, response.text)
        body = response.json()['token']
        self.assertEqual(project, body['project']['id'])
        self.assertEqual(user.id, body['user']['id'])
        # Keystone's bootstrap makes member imply reader.
        self.assertEqual({'member', 'reader'},
                         {role['name'] for role in body['roles']})
        self.assertEqual(token.expires_at.isoformat(),
                         keystone.Token(token.id, body).expires_at
                         .isoformat())

    def test_refuses_a_token_it_did_not_issue(self):
        response = self.keystone.validate('not-a-token')
        self.assertEqual(404, response.status_code, response.text)


class TestKeystoneStrategy(api_base.ServiceTestCase):
    """async-api-all with ``auth_strategy = keystone``."""

    def setUp(self):
        super().setUp()
        self.keystone = self.useFixture(keystone.KeystoneFixture(self))
        self.project_a = self.keystone.project('a')
        self.project_b = self.keystone.project('b')
        self.member_a = self.keystone.user(self.project_a, 'member')
        self.member_b = self.keystone.user(self.project_b, 'member')
        self.admin = self.keystone.admin
        self.caller = None
        self.start('all', api={'auth_strategy': 'keystone'},
                   keystone_authtoken=self.keystone.authtoken_options())

    def api(self, method, path, **kwargs):
        """A request as ``self.caller`` unless ``auth`` or headers say."""
        if self.caller is not None and 'headers' not in kwargs:
            kwargs.setdefault('auth', self.caller.auth())
        return super().api(method, path, **kwargs)

    def as_user(self, user):
        self.caller = user

    def assertUnauthorized(self, response):
        self.assertEqual(401, response.status_code, response.text)
        # keystonemiddleware tells the client where to get a token.
        self.assertIn(self.keystone.url,
                      response.headers.get('WWW-Authenticate', ''))

    def node_count(self):
        """How many nodes the administrator sees."""
        response = self.api('GET', '/v1/nodes', auth=self.admin.auth())
        self.assertEqual(200, response.status_code, response.text)
        return len(response.json()['nodes'])

    def test_valid_token_runs_a_task(self):
        self.as_user(self.member_a)
        node = self.create_node()
        response = self.set_power(node, 'on')
        self.assertEqual(202, response.status_code, response.text)
        done = self.wait_for_task(response.json()['uuid'])
        self.assertEqual('succeeded', done['state'], done)
        node = self.api('GET', '/v1/nodes/%s' % node['uuid']).json()
        self.assertEqual('on', node['power_state'])

    def test_public_paths_need_no_token(self):
        for path in ('/', '/healthcheck'):
            response = self.api('GET', path)
            self.assertEqual(200, response.status_code, path)

    def test_missing_token_is_401_and_changes_nothing(self):
        self.assertUnauthorized(self.api('GET', '/v1/nodes'))
        self.assertUnauthorized(self.api('GET', '/v1/tasks'))
        response = self.api('POST', '/v1/nodes', json={'driver': 'fake'})
        self.assertUnauthorized(response)
        self.assertEqual(0, self.node_count())

    def test_wrong_token_is_401_and_changes_nothing(self):
        issued = self.member_a.token().id
        # A token of the right form whose signature does not match.
        tampered = issued[:-8] + ('A' if issued[-8] != 'A' else 'B') * 8
        for token in ('not-a-token', tampered):
            response = self.api('POST', '/v1/nodes', json={'driver': 'fake'},
                                headers={'X-Auth-Token': token})
            self.assertUnauthorized(response)
        self.assertEqual(0, self.node_count())

    def test_expired_token_is_401(self):
        token = self.member_a.token()
        headers = {'X-Auth-Token': token.id}
        # Accepted first, so the refusal below is the expiry's, and the
        # middleware's cache of the validation does not outlive it.
        response = self.api('GET', '/v1/nodes', headers=headers)
        self.assertEqual(200, response.status_code, response.text)

        wait = token.seconds_left() + 1
        self.assertLess(wait, 60, 'the test Keystone\'s tokens live long')
        time.sleep(max(wait, 0))
        self.assertUnauthorized(
            self.api('GET', '/v1/nodes', headers=headers))
        response = self.api('POST', '/v1/nodes', json={'driver': 'fake'},
                            headers=headers)
        self.assertUnauthorized(response)
        self.assertEqual(0, self.node_count())

    def test_project_member_cannot_see_or_touch_another_project(self):
        self.as_user(self.member_b)
        node_b = self.create_node()
        task_b = self.set_power(node_b, 'on').json()
        self.assertEqual('succeeded',
                         self.wait_for_task(task_b['uuid'])['state'])
        before = self.api('GET', '/v1/nodes/%s' % node_b['uuid']).json()

        self.as_user(self.member_a)
        node_a = self.create_node()
        for path in ('/v1/nodes/%s' % node_b['uuid'],
                     '/v1/tasks/%s' % task_b['uuid'],
                     '/v1/tasks/%s/events' % task_b['uuid']):
            response = self.api('GET', path)
            self.assertEqual(404, response.status_code, path)
        nodes = self.api('GET', '/v1/nodes').json()['nodes']
        self.assertEqual([node_a['uuid']], [n['uuid'] for n in nodes])
        tasks = self.api('GET', '/v1/tasks').json()['tasks']
        self.assertEqual([], tasks)

        for method, path, body in (
                ('PUT', '/v1/nodes/%s/states/power' % node_b['uuid'],
                 {'target': 'off'}),
                ('PATCH', '/v1/nodes/%s' % node_b['uuid'],
                 [{'op': 'add', 'path': '/extra/owner', 'value': 'a'}]),
                ('POST', '/v1/tasks/%s/cancel' % task_b['uuid'], None),
                ('DELETE', '/v1/nodes/%s' % node_b['uuid'], None)):
            response = self.api(method, path, json=body)
            self.assertEqual(404, response.status_code,
                             '%s %s: %s' % (method, path, response.text))

        # B's node is as B left it, with B's one task.
        self.as_user(self.member_b)
        node = self.api('GET', '/v1/nodes/%s' % node_b['uuid']).json()
        self.assertEqual('on', node['power_state'])
        self.assertEqual(before['extra'], node['extra'])
        self.assertEqual(task_b['uuid'], node['last_task_uuid'])
        tasks = self.api('GET', '/v1/tasks').json()['tasks']
        self.assertEqual([task_b['uuid']], [t['uuid'] for t in tasks])

    def test_reader_sees_but_cannot_act(self):
        reader_a = self.keystone.user(self.project_a, 'reader')
        self.as_user(self.member_a)
        node = self.create_node()

        self.as_user(reader_a)
        response = self.api('GET', '/v1/nodes/%s' % node['uuid'])
        self.assertEqual(200, response.status_code, response.text)
        response = self.set_power(node, 'on')
        self.assertEqual(403, response.status_code, response.text)
        self.assertEqual([], self.api('GET', '/v1/tasks').json()['tasks'])

    def test_admin_sees_every_project(self):
        self.as_user(self.member_a)
        node_a = self.create_node()
        self.as_user(self.member_b)
        node_b = self.create_node()
        task_b = self.set_power(node_b, 'on').json()

        for admin in (self.admin, self.keystone.project_admin()):
            self.as_user(admin)
            nodes = self.api('GET', '/v1/nodes').json()['nodes']
            self.assertEqual({node_a['uuid'], node_b['uuid']},
                             {n['uuid'] for n in nodes})
            response = self.api('GET', '/v1/tasks/%s' % task_b['uuid'])
            self.assertEqual(200, response.status_code, response.text)
