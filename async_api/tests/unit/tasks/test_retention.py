"""Retention: which tasks a purge deletes, with what, and in batches."""

import datetime
from unittest import mock

import fixtures
import sqlalchemy as sa

import async_api
from async_api.baremetal import conf as async_conf
from async_api.common import states
from async_api.conductor import periodics
from async_api.db import engine as db_engine
from async_api.db import models
from async_api.persistence import models as flow_models
from async_api.tasks import posting
from async_api.tasks import retention
from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests import retention_rows
from async_api.tests import servers


class PurgeTests:

    def setUp(self):
        super().setUp()
        self.db = self.useFixture(self.database_fixture())
        self.engine = db_engine.current().engine

    def insert(self, count, state=states.SUCCEEDED, age_days=60.0):
        return retention_rows.insert_tasks(self.engine, count, state=state,
                                           age_days=age_days, events=2,
                                           atoms=2)

    def remaining(self):
        with self.engine.connect() as conn:
            return set(conn.execute(sa.select(
                models.Task.__table__.c.uuid)).scalars())

    def test_only_old_finished_tasks_go_with_all_they_own(self):
        old = []
        for state in sorted(states.TERMINAL):
            old += self.insert(3, state=state)
        recent = self.insert(2, age_days=1)
        # Old but unfinished: never purged, whatever their age.
        unfinished = []
        for state in (states.QUEUED, states.PENDING, states.RUNNING,
                      states.REVERTING):
            unfinished += self.insert(2, state=state)
        purged = async_api.purge_tasks(30, batch_size=5)
        self.assertEqual(len(old), purged)
        kept = set(recent + unfinished)
        self.assertEqual(kept, self.remaining())
        # Their events and logbooks (flows and atoms) went with them.
        self.assertEqual((len(kept), 2 * len(kept), len(kept), len(kept),
                          2 * len(kept)),
                         retention_rows.counts(self.engine))
        with self.engine.connect() as conn:
            books = set(conn.execute(sa.select(
                flow_models.logbooks.c.uuid)).scalars())
        self.assertEqual({posting.book_uuid(u) for u in kept}, books)

    def test_batches_are_separate_transactions(self):
        self.insert(23)
        begins = []
        real_begin = self.engine.begin

        def counting_begin(*args, **kwargs):
            begins.append(1)
            return real_begin(*args, **kwargs)

        with mock.patch.object(type(self.engine), 'begin',
                               autospec=True) as begin:
            begin.side_effect = lambda engine: counting_begin()
            self.assertEqual(23, retention.purge_tasks(30, batch_size=5))
        # 5 + 5 + 5 + 5 + 3: the short batch says nothing is left.
        self.assertEqual(5, len(begins))
        self.assertEqual(set(), self.remaining())

    def test_limit_and_timedelta(self):
        self.insert(7, age_days=10)
        self.assertEqual(0, retention.purge_tasks(
            datetime.timedelta(days=11)))
        self.assertEqual(4, retention.purge_tasks(
            datetime.timedelta(days=9), batch_size=3, limit=4))
        self.assertEqual(3, len(self.remaining()))
        self.assertEqual(3, retention.purge_tasks(0))

    def test_a_task_unfinished_again_is_kept(self):
        # Selected as finished, then changed before its batch's delete:
        # the delete's own condition keeps it.
        uuids = self.insert(3)
        real = retention._select

        def select(conn, before, size):
            rows = real(conn, before, size)
            conn.execute(sa.update(models.Task.__table__).where(
                models.Task.__table__.c.uuid == uuids[0]).values(
                state=states.RUNNING, finished_at=None))
            return rows

        self.useFixture(fixtures.MockPatchObject(retention, '_select',
                                                 select))
        self.assertEqual(2, retention.purge_tasks(30))
        self.assertEqual({uuids[0]}, self.remaining())

    def test_bad_arguments(self):
        self.assertRaises(ValueError, retention.purge_tasks, -1)
        self.assertRaises(ValueError, retention.purge_tasks, 30,
                          batch_size=0)


class TestPurgeSQLite(PurgeTests, base.TestCase):

    def database_fixture(self):
        return db_fixtures.SQLiteDatabase()


class TestPurgePostgreSQL(PurgeTests, base.TestCase):

    def database_fixture(self):
        return db_fixtures.PostgreSQLDatabase(
            servers.require(self, servers.POSTGRESQL))


class TestPeriodicPurge(base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(db_fixtures.SQLiteDatabase())
        self.engine = db_engine.current().engine

    def test_periodic_purge_uses_the_options(self):
        conf = async_conf.CONF
        self.config(task_ttl_days=30, purge_batch_size=2,
                    group='async_api_retention')
        retention_rows.insert_tasks(self.engine, 3, age_days=40)
        retention_rows.insert_tasks(self.engine, 2, age_days=20)
        self.assertEqual(3, periodics.purge_tasks(conf))
        self.config(task_ttl_days=0, group='async_api_retention')
        self.assertEqual(0, periodics.purge_tasks(conf))
        self.assertEqual(2, retention_rows.counts(self.engine)[0])

    def test_zero_ttl_schedules_no_purge(self):
        self.config(task_ttl_days=0, group='async_api_retention')
        runner = periodics.library_periodics(async_conf.CONF)
        self.assertEqual([0], [spacing for spacing, function
                               in runner._callables
                               if function.__name__ == 'purge_old_tasks'])
        self.config(task_ttl_days=30, purge_interval=3600,
                    group='async_api_retention')
        runner = periodics.library_periodics(async_conf.CONF)
        self.assertEqual([3600], [spacing for spacing, function
                                  in runner._callables
                                  if function.__name__ == 'purge_old_tasks'])
