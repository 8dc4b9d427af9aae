"""Statements compiled once per dialect and run as SQL text."""

from oslo_db import exception as db_exc
from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.db import direct
from async_api.db import engine as db_engine
from async_api.db import models
from async_api.tests import base
from async_api.tests import db_fixtures

_T = models.Task.__table__
_B = sa.bindparam


class DirectTests:
    """Run on the database of ``self.bind`` (set by subclasses)."""

    def insert_task(self, uuid='t-1', **values):
        row = {'uuid': uuid, 'operation': 'op', 'resource_type': 'node',
               'resource_uuid': 'r-1', 'state': 'pending', 'progress': 0,
               'params': {'a': [1, 2]}, 'cancel_requested': False,
               'attempt': 0, 'claim_epoch': 0,
               'created_at': timeutils.utcnow()}
        row.update(values)
        stmt = direct.Statement(sa.insert(_T), sorted(row))
        with self.bind.begin() as conn:
            return stmt.execute(conn, row)

    def test_insert_update_select_round_trip(self):
        self.insert_task(step=None)
        update = direct.Statement(sa.update(_T).where(
            _T.c.uuid == _B('b_uuid'),
            _T.c.state.in_([_B('s0'), _B('s1')])).values(
            attempt=_T.c.attempt + 1, step=_B('step'),
            result=_B('result', type_=_T.c.result.type),
            updated_at=_B('now', type_=_T.c.updated_at.type)))
        now = timeutils.utcnow()
        with self.bind.begin() as conn:
            written = update.execute(conn, {
                'b_uuid': 't-1', 's0': 'pending', 's1': 'running',
                'step': 'x', 'result': {'k': 'v'}, 'now': now})
            missed = update.execute(conn, {
                'b_uuid': 't-1', 's0': 'queued', 's1': 'queued',
                'step': 'y', 'result': None, 'now': now})
        self.assertEqual((1, 0), (written.rowcount, missed.rowcount))
        # Read back with Core: the types were processed on the way in.
        with self.bind.connect() as conn:
            row = conn.execute(sa.select(_T).where(_T.c.uuid == 't-1')).one()
        self.assertEqual(('x', 1, {'k': 'v'}, {'a': [1, 2]}, now),
                         (row.step, row.attempt, row.result, row.params,
                          row.updated_at))
        select = direct.Statement(sa.select(_T.c.id, _T.c.uuid).where(
            _T.c.attempt == _B('n')))
        with self.bind.connect() as conn:
            self.assertEqual([('t-1',)], [r[1:] for r in select.execute(
                conn, {'n': 1}).all()])

    def test_rows_are_typed_as_by_core(self):
        self.insert_task(result={'r': 1})
        stmt = direct.Statement(sa.select(
            _T.c.uuid, _T.c.params, _T.c.result, _T.c.created_at,
            _T.c.cancel_requested).where(_T.c.uuid == _B('b_uuid')))
        with self.bind.connect() as conn:
            core = conn.execute(sa.select(
                _T.c.uuid, _T.c.params, _T.c.result, _T.c.created_at,
                _T.c.cancel_requested).where(_T.c.uuid == 't-1')).one()
            rows = stmt.rows(conn, {'b_uuid': 't-1'})
        self.assertEqual([tuple(core)], [tuple(row) for row in rows])
        self.assertEqual(core._asdict(), rows[0]._asdict())
        self.assertEqual({'r': 1}, rows[0].result)

    def test_rows_of_an_update_returning_are_typed_as_by_core(self):
        self.insert_task(result={'r': 1})
        now = timeutils.utcnow()
        query = sa.update(_T).where(_T.c.uuid == _B('b_uuid')).values(
            step=_B('step'), updated_at=_B('now')).returning(
            _T.c.uuid, _T.c.step, _T.c.result, _T.c.updated_at)
        with self.bind.begin() as conn:
            rows = direct.Statement(query).rows(
                conn, {'b_uuid': 't-1', 'step': 'x', 'now': now})
            core = conn.execute(query, {'b_uuid': 't-1', 'step': 'x',
                                        'now': now}).one()
        self.assertEqual([tuple(core)], [tuple(row) for row in rows])
        self.assertEqual(('x', {'r': 1}, now),
                         (rows[0].step, rows[0].result, rows[0].updated_at))

    def test_executemany(self):
        self.insert_task('t-1')
        self.insert_task('t-2')
        update = direct.Statement(sa.update(_T).where(
            _T.c.uuid == _B('b_uuid')).values(
            step=_B('step'), updated_at=_B('now')))
        now = timeutils.utcnow()
        with self.bind.begin() as conn:
            update.executemany(conn, [
                {'b_uuid': 't-1', 'step': 'a', 'now': now},
                {'b_uuid': 't-2', 'step': 'b', 'now': now}])
        with self.bind.connect() as conn:
            self.assertEqual([('t-1', 'a'), ('t-2', 'b')], conn.execute(
                sa.select(_T.c.uuid, _T.c.step).order_by(_T.c.id)).all())

    def test_errors_are_translated_as_for_core(self):
        self.insert_task('t-1')
        self.assertRaises(db_exc.DBDuplicateEntry, self.insert_task, 't-1')

    def test_cursor_events_fire(self):
        # Tracing and profiling hooks (oslo.db's connection_trace,
        # OSProfiler) listen here: running directly must not hide them.
        seen = []

        def before(conn, cursor, statement, parameters, context, many):
            seen.append(statement)
        sa.event.listen(self.bind, 'before_cursor_execute', before)
        self.addCleanup(sa.event.remove, self.bind, 'before_cursor_execute',
                        before)
        self.insert_task('t-1')
        self.assertEqual(1, len(seen))
        self.assertTrue(seen[0].startswith('INSERT INTO async_api_tasks'),
                        seen[0])

    def test_result(self):
        self.insert_task('t-1')
        self.insert_task('t-2')
        select = direct.Statement(sa.select(_T.c.uuid).where(
            _T.c.attempt == _B('n')).order_by(_T.c.id))
        with self.bind.connect() as conn:
            two = select.execute(conn, {'n': 0})
            none = select.execute(conn, {'n': 5})
        self.assertEqual([('t-1',), ('t-2',)], [tuple(r) for r in two])
        self.assertEqual(('t-1', 't-1'), (two.scalar(), two.first()[0]))
        self.assertRaises(sa.exc.MultipleResultsFound, two.scalar_one)
        self.assertRaises(sa.exc.MultipleResultsFound,
                          two.scalar_one_or_none)
        self.assertEqual((None, None, None, []),
                         (none.scalar(), none.first(),
                          none.scalar_one_or_none(), none.all()))
        self.assertRaises(sa.exc.NoResultFound, none.scalar_one)

    def test_statements_that_cannot_run_directly(self):
        with self.bind.connect() as conn:
            expanding = direct.Statement(sa.select(_T.c.id).where(
                _T.c.uuid.in_(_B('uuids', expanding=True))))
            self.assertRaises(direct.StatementError, expanding.execute, conn,
                              {'uuids': ['a']})
            missing = direct.Statement(sa.select(_T.c.id).where(
                _T.c.uuid == _B('b_uuid')))
            self.assertRaises(direct.StatementError, missing.execute, conn,
                              {})
            defaults = direct.Statement(sa.update(_T).values(step=_B('s')))
            self.assertRaises(direct.StatementError, defaults.execute, conn,
                              {'s': 'x'})
        self.assertRaises(direct.StatementError, direct.Statement,
                          sa.text('SELECT 1'))


class TestDirectSQLite(DirectTests, base.TestCase):

    def setUp(self):
        super().setUp()
        self.useFixture(db_fixtures.SQLiteDatabase())
        self.bind = db_engine.current().engine

    def test_typed_results_need_rows(self):
        # SQLite keeps datetimes as text: execute() would return text.
        stmt = direct.Statement(sa.select(_T.c.created_at))
        with self.bind.connect() as conn:
            self.assertRaises(direct.StatementError, stmt.execute, conn)
