"""The keystone auth strategy against a real Keystone, over HTTP.

The Keystone is the one ``tools/test-servers.sh`` starts (its own
virtualenv, SQLite, fernet tokens, tokens that expire after a few
seconds); the service is the reference service's ``async-api-all`` with
``[api]auth_strategy = keystone``, its keystonemiddleware logging in as a
service user of that Keystone. Nothing is faked: every token here is one
Keystone issued (or, for the wrong ones, refused).
"""

from async_api.tests import base
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
