"""The alembic migrations build exactly the models' schema on SQLite."""

from async_api.db import migration
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import migrations_sync


class TestModelsMigrationsSQLite(migrations_sync.ModelsMigrationsSync,
                                 base.TestCase):

    def setUp(self):
        super().setUp()
        self.database = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).database


class TestMigrationCommands(base.TestCase):

    def setUp(self):
        super().setUp()
        self.database = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).database

    def test_version_before_and_after_upgrade(self):
        self.assertIsNone(migration.version(self.database.engine))
        migration.upgrade(self.database.engine)
        head = migration.version(self.database.engine)
        self.assertIsNotNone(head)
        # Upgrading again is a no-op, not an error.
        migration.upgrade(self.database.engine)
        self.assertEqual(head, migration.version(self.database.engine))
