"""Pecan's custom-route detection runs once per controller class."""

from unittest import mock

import pecan
from pecan import routing
import testtools
import webtest

from async_api.api import pecan_routes


class _Counted:
    """Counts how often Pecan lists a controller's attributes."""

    listed = 0

    def __dir__(self):
        type(self).listed += 1
        return super().__dir__()


class Child(_Counted):
    listed = 0

    @pecan.expose()
    def index(self):
        return 'child'

    @pecan.expose(route='with-dash')
    def dashed(self):
        return 'custom'


class Root(_Counted):
    listed = 0
    child = Child()

    @pecan.expose()
    def index(self):
        return 'root'


class TestDetectOnce(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.addCleanup(setattr, routing, '_detect_custom_path_segments',
                        routing._detect_custom_path_segments)
        pecan_routes.install()
        # A fresh record of seen classes and their routes, so that this
        # test sees a first request; Pecan's own are put back after.
        for name, fresh in (('__observed_controllers__', set()),
                            ('__custom_routes__', {})):
            patcher = mock.patch.object(routing, name, fresh)
            patcher.start()
            self.addCleanup(patcher.stop)
        Root.listed = Child.listed = 0
        self.app = webtest.TestApp(pecan.Pecan(Root()))

    def test_attributes_are_listed_on_the_first_request_only(self):
        self.assertEqual('custom', self.app.get('/child/with-dash').text)
        first = (Root.listed, Child.listed)
        self.assertGreater(min(first), 0)
        for _ in range(3):
            self.assertEqual('custom',
                             self.app.get('/child/with-dash').text)
        self.assertEqual(first, (Root.listed, Child.listed))

    def test_routes_are_unchanged(self):
        self.assertEqual('root', self.app.get('/').text)
        self.assertEqual('child', self.app.get('/child/').text)
        self.assertEqual('custom', self.app.get('/child/with-dash').text)
        self.app.get('/child/dashed', status=404)
        self.app.get('/nowhere', status=404)

    def test_without_it_pecan_lists_them_on_every_request(self):
        # What the module is for: this fails once Pecan stops doing it,
        # and the rebinding can go.
        routing._detect_custom_path_segments = pecan_routes._original
        self.app.get('/child/with-dash')
        first = (Root.listed, Child.listed)
        for _ in range(3):
            self.app.get('/child/with-dash')
        self.assertEqual((first[0] + 3, first[1] + 3),
                         (Root.listed, Child.listed))
