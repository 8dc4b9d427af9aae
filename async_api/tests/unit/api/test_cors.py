"""CORS answers as oslo.middleware's does, with or without an origin."""

from async_api.baremetal.api import app
from async_api.tests.unit.api import base

import webtest

ORIGIN = 'https://console.example.com'


class TestCORS(base.APITestCase):

    def preflight(self):
        return self.app.options('/v1/nodes', headers={
            'Origin': ORIGIN, 'Access-Control-Request-Method': 'POST'},
            expect_errors=True)

    def test_no_allowed_origin(self):
        # Preflights are still CORS's to answer (200, no grant); other
        # requests are the app's alone.
        response = self.preflight()
        self.assertEqual(200, response.status_int)
        self.assertNotIn('Access-Control-Allow-Origin', response.headers)
        response = self.app.get('/v1/nodes', headers={'Origin': ORIGIN})
        self.assertEqual(200, response.status_int)
        self.assertNotIn('Access-Control-Allow-Origin', response.headers)
        self.assertEqual([], response.json['nodes'])

    def test_allowed_origin(self):
        self.config(allowed_origin=[ORIGIN], group='cors')
        self.app = webtest.TestApp(app.setup_app())
        self.assertEqual(
            ORIGIN, self.preflight().headers['Access-Control-Allow-Origin'])
        response = self.app.get('/v1/nodes', headers={'Origin': ORIGIN})
        self.assertEqual(ORIGIN,
                         response.headers['Access-Control-Allow-Origin'])
        self.assertIn('Origin', response.headers['Vary'])
        other = self.app.get('/v1/nodes', headers={
            'Origin': 'https://elsewhere.example.com'})
        self.assertNotIn('Access-Control-Allow-Origin', other.headers)
