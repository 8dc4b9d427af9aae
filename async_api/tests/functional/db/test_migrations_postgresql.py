"""The alembic migrations build exactly the models' schema on PostgreSQL."""

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import migrations_sync
from async_api.tests import servers


class _PostgreSQLTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        url = servers.require(self, servers.POSTGRESQL)
        self.database = self.useFixture(
            db_fixtures.PostgreSQLDatabase(url, migrate=False)).database


class TestModelsMigrationsPostgreSQL(migrations_sync.ModelsMigrationsSync,
                                     _PostgreSQLTestCase):
    pass


class TestBaremetalModelsMigrationsPostgreSQL(
        migrations_sync.BaremetalModelsMigrationsSync, _PostgreSQLTestCase):
    pass
