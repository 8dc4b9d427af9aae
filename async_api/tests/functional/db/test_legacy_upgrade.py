"""Databases of the first migration history upgrade on real servers.

PostgreSQL and MySQL rename the tables (and what is named after them) in
place, where SQLite copies them: both paths keep every row.
"""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import legacy_upgrade
from async_api.tests import servers


class TestLegacyUpgradePostgreSQL(legacy_upgrade.LegacyUpgradeTests,
                                  base.TestCase):

    def make_url(self):
        server = servers.require(self, servers.POSTGRESQL)
        return self.useFixture(
            db_fixtures.PostgreSQLDatabase(server, migrate=False)).url


class TestLegacyUpgradeMySQL(legacy_upgrade.LegacyUpgradeTests,
                             base.TestCase):

    def make_url(self):
        server = servers.require(self, servers.MYSQL)
        return self.useFixture(
            db_fixtures.MySQLDatabase(server, migrate=False)).url
