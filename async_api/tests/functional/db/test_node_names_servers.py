"""Node names are unique per project, on PostgreSQL and MySQL/MariaDB."""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import node_names
from async_api.tests import servers


class TestNodeNamesPostgreSQL(node_names.NodeNamesMixin, base.TestCase):

    def make_database(self, migrate):
        url = servers.require(self, servers.POSTGRESQL)
        return self.useFixture(db_fixtures.PostgreSQLDatabase(
            url, migrate=migrate)).database


class TestNodeNamesMySQL(node_names.NodeNamesMixin, base.TestCase):

    def make_database(self, migrate):
        url = servers.require(self, servers.MYSQL)
        return self.useFixture(db_fixtures.MySQLDatabase(
            url, migrate=migrate)).database
