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


class _ServerDatabase(fixtures.Fixture):
    """A database created for one test on the run's database server."""

    #: How to create and drop a database, ``%s`` for its name.
    CREATE = DROP = None
    #: The engine options of the server connection that runs them.
    ADMIN_OPTIONS = {}

    def __init__(self, server_url, migrate=True):
        super().__init__()
        self.server_url = server_url
        self.migrate = migrate

    def _setUp(self):
        name = 'test_' + uuid.uuid4().hex[:12]
        admin = sa.create_engine(self.server_url, **self.ADMIN_OPTIONS)
        with admin.begin() as conn:
            conn.execute(sa.text(self.CREATE % name))
        self.addCleanup(self._drop, admin, name)
        self.url = sa_url.make_url(self.server_url).set(
            database=name).render_as_string(hide_password=False)
        _open(self)

    def _drop(self, admin, name):
        with admin.begin() as conn:
            conn.execute(sa.text(self.DROP % name))
        admin.dispose()


class PostgreSQLDatabase(_ServerDatabase):
    """A database created for one test on the run's PostgreSQL server."""

    CREATE = 'CREATE DATABASE %s'
    DROP = 'DROP DATABASE IF EXISTS %s WITH (FORCE)'
    # CREATE DATABASE cannot run inside a transaction block.
    ADMIN_OPTIONS = {'isolation_level': 'AUTOCOMMIT'}


class MySQLDatabase(_ServerDatabase):
    """A database created for one test on the run's MySQL/MariaDB server."""

    CREATE = 'CREATE DATABASE %s CHARACTER SET utf8mb4'
    DROP = 'DROP DATABASE IF EXISTS %s'


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


class Transactions(fixtures.Fixture):
    """The statements of each transaction committed on ``engine``.

    :attr:`committed` holds one list of SQL statements per commit, in
    order, while the fixture is in use: for tests that say which writes
    share a transaction.
    """

    def __init__(self, engine):
        super().__init__()
        self.engine = engine
        self.committed = []
        self._open = {}

    def _setUp(self):
        hooks = (('begin', self._begin), ('commit', self._commit),
                 ('before_cursor_execute', self._execute))
        for name, hook in hooks:
            sa.event.listen(self.engine, name, hook)
            self.addCleanup(sa.event.remove, self.engine, name, hook)

    def _begin(self, connection):
        self._open[id(connection)] = []

    def _execute(self, connection, cursor, statement, *args):
        self._open.setdefault(id(connection), []).append(statement)

    def _commit(self, connection):
        made = self._open.pop(id(connection), [])
        if made:
            self.committed.append(made)

    def containing(self, prefix):
        """The committed transactions with a statement starting so."""
        return [made for made in self.committed
                if any(s.startswith(prefix) for s in made)]
