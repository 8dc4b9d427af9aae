"""Directly run statements on PostgreSQL (named parameters, RETURNING)."""

from async_api.db import engine as db_engine
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import servers
from async_api.tests.unit.db import test_direct


class TestDirectPostgreSQL(test_direct.DirectTests, base.TestCase):

    def setUp(self):
        super().setUp()
        url = servers.require(self, servers.POSTGRESQL)
        self.useFixture(db_fixtures.PostgreSQLDatabase(url))
        self.bind = db_engine.current().engine
