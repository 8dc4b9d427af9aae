"""Base class of the API tests: the WSGI app over a scratch database."""

import base64
import os

import bcrypt
import webtest

from async_api.baremetal.api import app
from async_api.baremetal.db import nodes as db_nodes
from async_api.tests import base
from async_api.tests import db_fixtures


class APITestCase(base.TestCase):
    """Drive the real WSGI application in-process with WebTest."""

    def setUp(self):
        super().setUp()
        self.database = self.useFixture(db_fixtures.SQLiteDatabase())
        self.app = webtest.TestApp(app.setup_app())

    def use_projects(self, *projects):
        """Serve the app with ``http_basic``: one user per project.

        The user named after each project has the password ``secret`` and
        acts in that project (``[api]http_basic_projects``); the user
        ``admin``, in no project, is an administrator. Under the default
        ``noauth`` every request is the one administrator, whatever its
        headers say. :meth:`as_project` gives a user's headers.
        """
        path = os.path.join(self.state_path, 'htpasswd')
        # The fewest rounds bcrypt allows: a test checks hashes, not cost.
        hashed = bcrypt.hashpw(b'secret', bcrypt.gensalt(rounds=4))
        with open(path, 'w') as f:
            for project in projects + ('admin',):
                f.write('%s:%s\n' % (project, hashed.decode()))
        self.config(auth_strategy='http_basic', group='api',
                    http_basic_auth_user_file=path,
                    http_basic_projects={p: p for p in projects})
        self.app = webtest.TestApp(app.setup_app())

    @staticmethod
    def as_project(project, **headers):
        """The headers of a request by the user of ``project``."""
        token = base64.b64encode(('%s:secret' % project).encode()).decode()
        return dict(headers, Authorization='Basic ' + token)

    def as_admin(self, **headers):
        """The headers of a request by the administrator."""
        return self.as_project('admin', **headers)

    def get_json(self, path, **kwargs):
        return self.app.get(path, **kwargs).json

    def create_node(self, **values):
        values.setdefault('driver', 'fake')
        return db_nodes.create_node(values)

    def assert_error(self, response, status, code):
        """An API-SIG error body with ``status`` and ``code``."""
        self.assertEqual(status, response.status_int)
        self.assertEqual('application/json', response.content_type)
        errors = response.json['errors']
        self.assertEqual(1, len(errors))
        error = errors[0]
        self.assertEqual(status, error['status'])
        self.assertEqual(code, error['code'])
        self.assertEqual(
            response.headers['x-openstack-request-id'], error['request_id'])
        self.assertTrue(error['title'])
        self.assertTrue(error['detail'])
        self.assertNotIn('Traceback', response.text)
        return error
