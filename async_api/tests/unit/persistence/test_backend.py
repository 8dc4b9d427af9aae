"""The persistence backend on SQLite."""

import contextlib

from async_api.persistence import backend as p_backend
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.persistence import mixins


class SQLiteMixin:

    def make_database(self):
        return self.useFixture(db_fixtures.SQLiteDatabase(migrate=False))


class TestConformance(SQLiteMixin, mixins.ConformanceTests, base.TestCase):
    pass


class TestSemantics(SQLiteMixin, mixins.SemanticsTests, base.TestCase):
    pass


class TestFlows(SQLiteMixin, mixins.FlowTests, base.TestCase):
    pass


class TestSchema(SQLiteMixin, mixins.SchemaTests, base.TestCase):
    pass


class TestSQLiteOptions(SQLiteMixin, base.TestCase):

    def _pragmas(self, conf):
        backend = p_backend.SQLBackend(conf)
        self.addCleanup(backend.close)
        with backend.engine.connect() as conn:
            return tuple(conn.exec_driver_sql('PRAGMA %s' % name).scalar()
                         for name in ('journal_mode', 'synchronous',
                                      'busy_timeout', 'foreign_keys'))

    def test_defaults(self):
        url = self.make_database().url
        # synchronous: 1 is NORMAL, 2 is FULL.
        self.assertEqual(('wal', 1, 30000, 1),
                         self._pragmas({'connection': url}))

    def test_prefixed_url_with_options_in_query(self):
        url = self.make_database().url.replace('sqlite', 'asyncapi-sql+'
                                               'sqlite', 1)
        self.assertEqual(('wal', 2, 5000, 1), self._pragmas(
            {'connection': url + '?sqlite_synchronous=full&'
                                 'sqlite_busy_timeout=5000'}))

    def test_bad_option(self):
        self.assertRaises(ValueError, p_backend.SQLBackend,
                          {'connection': 'sqlite://',
                           'sqlite_synchronous': 'sometimes'})

    def test_shared_engine_is_not_disposed(self):
        database = self.make_database()
        engine = database.database.engine
        backend = p_backend.SQLBackend({}, engine=engine)
        with contextlib.closing(backend.get_connection()) as conn:
            conn.upgrade()
        backend.close()
        with engine.connect() as conn:
            self.assertEqual(1, conn.exec_driver_sql('SELECT 1').scalar())
