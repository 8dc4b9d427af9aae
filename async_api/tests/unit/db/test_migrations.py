"""The alembic migrations build exactly the models' schema on SQLite."""

import sqlalchemy as sa

from async_api.baremetal.db import migration as baremetal_migration
from async_api.db import legacy
from async_api.db import migration
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import migrations_sync


class _SQLiteTestCase(base.TestCase):

    def setUp(self):
        super().setUp()
        self.database = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).database


class TestModelsMigrationsSQLite(migrations_sync.ModelsMigrationsSync,
                                 _SQLiteTestCase):
    pass


class TestBaremetalModelsMigrationsSQLite(
        migrations_sync.BaremetalModelsMigrationsSync, _SQLiteTestCase):
    pass


class TestMigrationCommands(_SQLiteTestCase):

    def test_version_before_and_after_upgrade(self):
        for module in (migration, baremetal_migration):
            self.assertIsNone(module.version(self.database.engine))
            module.upgrade(self.database.engine)
            head = module.version(self.database.engine)
            self.assertIsNotNone(head)
            # Upgrading again is a no-op, not an error.
            module.upgrade(self.database.engine)
            self.assertEqual(head, module.version(self.database.engine))


#: The library's tables that the first history never had.
ADDED_SINCE_LEGACY = ('async_api_notifications',
                      'async_api_notification_sender')


class TestLibrarySchema(_SQLiteTestCase):
    """What the library puts in a host's database, and nothing else."""

    def test_library_upgrade_creates_only_prefixed_tables(self):
        migration.upgrade(self.database.engine)
        names = set(sa.inspect(self.database.engine).get_table_names())
        self.assertEqual(
            {new for _old, new in legacy.TABLES} | {migration.VERSION_TABLE}
            | set(ADDED_SINCE_LEGACY), names)
        self.assertFalse({'nodes', 'conductors', 'alembic_version'} & names)
        self.assertFalse({old for old, _new in legacy.TABLES} & names)

    def test_full_schema_has_no_unprefixed_library_table(self):
        db_fixtures.migrate(self.database.engine)
        names = set(sa.inspect(self.database.engine).get_table_names())
        # Only the bare-metal service's own tables go without the prefix.
        self.assertEqual(
            {'nodes', 'conductors'},
            {name for name in names if not name.startswith('async_api_')})
        self.assertIn(baremetal_migration.VERSION_TABLE, names)

    def test_index_and_constraint_names_are_prefixed(self):
        migration.upgrade(self.database.engine)
        inspector = sa.inspect(self.database.engine)
        for _old, table in legacy.TABLES:
            names = [i['name'] for i in inspector.get_indexes(table)]
            names += [c['name']
                      for c in inspector.get_unique_constraints(table)]
            for name in names:
                self.assertTrue(name.startswith(('async_api_',
                                                 'uniq_async_api_')), name)
