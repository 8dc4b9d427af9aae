"""Base class of the API tests: the WSGI app over a scratch database."""

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
