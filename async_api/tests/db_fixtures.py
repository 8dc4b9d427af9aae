"""Scratch databases for tests: a SQLite file, or a fresh server database.

``migrate=True`` (the default) builds both schemas, the library's and the
bare-metal service's, as ``async-api-dbsync upgrade`` does.
"""

import os
import uuid

import fixtures
import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url

from async_api.baremetal.db import migration as baremetal_migration
from async_api.db import engine as db_engine
from async_api.db import migration


class SQLiteDatabase(fixtures.Fixture):
    """A SQLite file in a temporary directory."""

    def __init__(self, migrate=True):
        super().__init__()
        self.migrate = migrate

    def _setUp(self):
        directory = self.useFixture(fixtures.TempDir()).path
        self.url = 'sqlite:///' + os.path.join(directory, 'test.sqlite')
        _open(self)


class PostgreSQLDatabase(fixtures.Fixture):
    """A database created for one test on the run's PostgreSQL server."""

    def __init__(self, server_url, migrate=True):
        super().__init__()
        self.server_url = server_url
        self.migrate = migrate

    def _setUp(self):
        name = 'test_' + uuid.uuid4().hex[:12]
        admin = sa.create_engine(self.server_url, isolation_level='AUTOCOMMIT')
        with admin.connect() as conn:
            conn.execute(sa.text('CREATE DATABASE %s' % name))
        self.addCleanup(self._drop, admin, name)
        self.url = sa_url.make_url(self.server_url).set(
            database=name).render_as_string(hide_password=False)
        _open(self)

    @staticmethod
    def _drop(admin, name):
        with admin.connect() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s WITH (FORCE)'
                                 % name))
        admin.dispose()


class MySQLDatabase(fixtures.Fixture):
    """A database created for one test on the run's MySQL/MariaDB server."""

    def __init__(self, server_url, migrate=True):
        super().__init__()
        self.server_url = server_url
        self.migrate = migrate

    def _setUp(self):
        name = 'test_' + uuid.uuid4().hex[:12]
        admin = sa.create_engine(self.server_url)
        with admin.begin() as conn:
            conn.execute(sa.text('CREATE DATABASE %s CHARACTER SET utf8mb4'
                                 % name))
        self.addCleanup(self._drop, admin, name)
        self.url = sa_url.make_url(self.server_url).set(
            database=name).render_as_string(hide_password=False)
        _open(self)

    @staticmethod
    def _drop(admin, name):
        with admin.begin() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
        admin.dispose()


def migrate(engine):
    """Upgrade the library's schema, then the bare-metal service's."""
    migration.upgrade(engine)
    baremetal_migration.upgrade(engine)


def _open(fixture):
    fixture.database = db_engine.Database(fixture.url)
    fixture.addCleanup(fixture.database.dispose)
    if fixture.migrate:
        migrate(fixture.database.engine)
    db_engine.set_database(fixture.database)
    fixture.addCleanup(db_engine.set_database, None)
