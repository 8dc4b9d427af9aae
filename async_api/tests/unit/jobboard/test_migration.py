"""The library's migrations and the board's models agree.

Both the migrations and the board's own ``create_tables`` (standalone use)
build the board's tables as the models describe them.
"""

from alembic import autogenerate
from alembic import migration as alembic_migration
import sqlalchemy as sa

from async_api.db import migration
from async_api.jobboard import models
from async_api.tests import base
from async_api.tests import db_fixtures

TABLES = {t.name for t in models.TABLES}


def _only_board_tables(obj, name, type_, reflected, compare_to):
    table = obj if type_ == 'table' else getattr(obj, 'table', None)
    return table is not None and table.name in TABLES


def schema_diff(engine):
    """alembic's diff between the DB and the board's models."""
    with engine.connect() as conn:
        context = alembic_migration.MigrationContext.configure(
            conn, opts={'compare_type': True,
                        'compare_server_default': True,
                        'include_object': _only_board_tables})
        return autogenerate.compare_metadata(context,
                                             models.JobboardJob.metadata)


class MigrationTestsMixin:

    def test_migration_matches_models(self):
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)
        migration.upgrade(engine)
        self.assertEqual('b5e1f0a7c2d9', migration.version(engine))
        self.assertEqual([], schema_diff(engine))

    def test_create_tables_matches_models(self):
        engine = sa.create_engine(self.url)
        self.addCleanup(engine.dispose)
        models.create_tables(engine)
        self.assertEqual([], schema_diff(engine))


class SQLiteMigrationTest(MigrationTestsMixin, base.TestCase):

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url
