"""The database clock expression of each dialect."""

import time

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects import sqlite

from async_api.jobboard import clock
from async_api.tests import base
from async_api.tests import db_fixtures


class ClockTest(base.TestCase):

    def _sql(self, dialect):
        return str(sa.select(clock.now()).compile(dialect=dialect))

    def test_dialect_expressions(self):
        self.assertIn("(julianday('now') - 2440587.5) * 86400.0",
                      self._sql(sqlite.dialect()))
        self.assertIn('extract(epoch from clock_timestamp())',
                      self._sql(postgresql.dialect()))
        self.assertIn('UNIX_TIMESTAMP(NOW(6))', self._sql(mysql.dialect()))

    def test_unknown_dialect_is_refused(self):
        from sqlalchemy.dialects import mssql
        self.assertRaises(NotImplementedError, self._sql, mssql.dialect())

    def test_sqlite_value_is_epoch_seconds(self):
        url = self.useFixture(db_fixtures.SQLiteDatabase(migrate=False)).url
        engine = sa.create_engine(url)
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            now = conn.execute(sa.select(clock.now())).scalar()
        self.assertAlmostEqual(time.time(), now, delta=2.0)
