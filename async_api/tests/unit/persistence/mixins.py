"""Backend tests shared by the SQLite (unit) and PostgreSQL (functional) runs.

A test class mixes these into :class:`async_api.tests.base.TestCase` and
provides ``make_database()``, returning a scratch database fixture with a
``url`` (see :mod:`async_api.tests.db_fixtures`).
"""

import contextlib
import os
import signal
import subprocess
import sys
import time

from alembic import autogenerate
from alembic import migration as alembic_migration
from oslo_utils import uuidutils
import sqlalchemy as sa
from taskflow import engines
from taskflow import exceptions as exc
from taskflow.persistence import models as tf_models
from taskflow import states
from taskflow.tests.unit.persistence import base as tf_base

from async_api.db import migration
from async_api.persistence import backend as p_backend
from async_api.persistence import models
from async_api.tests.unit.persistence import flows

_REPO = os.path.abspath(os.path.join(os.path.dirname(__file__),
                                     '..', '..', '..', '..'))


class BackendMixin:
    """A fresh database with the backend's tables, and the backend on it."""

    def make_database(self):
        raise NotImplementedError()

    def setUp(self):
        super().setUp()
        self.database = self.make_database()
        self.backend = p_backend.SQLBackend(
            {'connection': self.database.url})
        self.addCleanup(self.backend.close)
        with contextlib.closing(self.backend.get_connection()) as conn:
            conn.upgrade()

    def _get_connection(self):
        return self.backend.get_connection()


class ConformanceTests(BackendMixin, tf_base.PersistenceTestMixin):
    """TaskFlow's own persistence conformance tests."""


def _saved_book(conn, atoms=1):
    book = tf_models.LogBook('book')
    fd = tf_models.FlowDetail('flow', uuid=uuidutils.generate_uuid())
    book.add(fd)
    for i in range(atoms):
        fd.add(tf_models.TaskDetail('task-%d' % i,
                                    uuid=uuidutils.generate_uuid()))
    conn.save_logbook(book)
    return book, fd


class SemanticsTests(BackendMixin):
    """What TaskFlow's read-merge-write gives, kept with single UPDATEs."""

    def test_upgrade_twice(self):
        with contextlib.closing(self._get_connection()) as conn:
            conn.upgrade()
            self.assertEqual([], list(conn.get_logbooks()))

    def test_update_atom_other_type(self):
        with contextlib.closing(self._get_connection()) as conn:
            _book, fd = _saved_book(conn)
            td = next(iter(fd))
            rd = tf_models.RetryDetail(td.name, uuid=td.uuid)
            self.assertRaises(exc.NotImplementedError,
                              conn.update_atom_details, rd)

    def test_update_atom_overwrites_all_but_identity(self):
        with contextlib.closing(self._get_connection()) as conn:
            _book, fd = _saved_book(conn)
            td = next(iter(fd)).copy()
            td.state = states.SUCCESS
            td.results = {'a': [1, 2]}
            td.meta = {'progress': 1.0}
            td.version = '2.0'
            td.intention = states.REVERT
            conn.update_atom_details(td)
            stored = conn.get_atom_details(td.uuid)
        self.assertEqual(('task-0', states.SUCCESS, {'a': [1, 2]},
                          {'progress': 1.0}, '2.0', states.REVERT),
                         (stored.name, stored.state, stored.results,
                          stored.meta, stored.version, stored.intention))

    def test_update_flow_returns_atoms_added_elsewhere(self):
        with contextlib.closing(self._get_connection()) as conn:
            book, fd = _saved_book(conn, atoms=1)
            other = conn.get_flow_details(fd.uuid)
            other.add(tf_models.TaskDetail('added', uuid='added-uuid'))
            conn.update_flow_details(other)
            fd.state = states.RUNNING
            result = conn.update_flow_details(fd)
            stored = conn.get_flow_details(fd.uuid)
        self.assertEqual(2, len(result))
        self.assertIsNotNone(result.find('added-uuid'))
        self.assertEqual(states.RUNNING, stored.state)
        self.assertEqual(2, len(stored))

    def test_save_existing_logbook_returns_stored_book(self):
        with contextlib.closing(self._get_connection()) as conn:
            book, fd = _saved_book(conn)
            again = tf_models.LogBook('renamed', uuid=book.uuid)
            again.meta = {'x': 1}
            result = conn.save_logbook(again)
            stored = conn.get_logbook(book.uuid)
        # merge() never takes the name: the stored one stays.
        self.assertEqual('book', stored.name)
        self.assertEqual({'x': 1}, stored.meta)
        self.assertEqual(1, len(result))
        self.assertEqual(1, len(result.find(fd.uuid)))

    def test_destroy_removes_contents(self):
        with contextlib.closing(self._get_connection()) as conn:
            book, fd = _saved_book(conn, atoms=2)
            conn.destroy_logbook(book.uuid)
            self.assertEqual([], list(conn.get_atoms_for_flow(fd.uuid)))
            self.assertRaises(exc.NotFound, conn.get_flow_details, fd.uuid)

    def test_clear_all(self):
        with contextlib.closing(self._get_connection()) as conn:
            _saved_book(conn, atoms=2)
            _saved_book(conn, atoms=1)
            conn.clear_all()
            self.assertEqual([], list(conn.get_logbooks()))
        with self.backend.engine.connect() as sa_conn:
            for table in models.TABLES:
                self.assertEqual(0, sa_conn.execute(
                    sa.select(sa.func.count()).select_from(table)).scalar())

    def test_get_logbooks_populates_each_book(self):
        with contextlib.closing(self._get_connection()) as conn:
            one, fd1 = _saved_book(conn, atoms=1)
            two, fd2 = _saved_book(conn, atoms=3)
            books = {b.uuid: b for b in conn.get_logbooks()}
            lazy = {b.uuid: b for b in conn.get_logbooks(lazy=True)}
        self.assertEqual(1, len(books[one.uuid].find(fd1.uuid)))
        self.assertEqual(3, len(books[two.uuid].find(fd2.uuid)))
        self.assertEqual(0, len(lazy[two.uuid]))


class FlowTests(BackendMixin):
    """Real flows on the backend: a run, and a resumption after SIGKILL."""

    def _paths(self):
        return (os.path.join(self.state_path, 'trace'),
                os.path.join(self.state_path, 'block'))

    def test_flow_runs_end_to_end(self):
        trace, block = self._paths()
        book = tf_models.LogBook('run')
        engine = engines.load_from_factory(
            flows.make_flow, backend=self.backend, book=book,
            engine='serial', store={'trace_path': trace,
                                    'block_path': block})
        engine.run()
        self.assertEqual(['step1', 'step2', 'step3'],
                         flows.read_trace(trace))
        with contextlib.closing(self._get_connection()) as conn:
            fd = next(iter(conn.get_logbook(book.uuid)))
        self.assertEqual(states.SUCCESS, fd.state)
        done = {ad.name: (ad.state, ad.results) for ad in fd
                if ad.name.startswith('step')}
        self.assertEqual({'step1': (states.SUCCESS, 'step1'),
                          'step2': (states.SUCCESS, 'step2'),
                          'step3': (states.SUCCESS, 'step3')}, done)

    def _run_child_until_blocked(self, book_uuid, trace, block):
        with open(block, 'w'):
            pass
        env = dict(os.environ, PYTHONPATH=_REPO)
        child = subprocess.Popen(
            [sys.executable, '-c', flows.CHILD, self.database.url,
             book_uuid, trace, block], cwd=_REPO, env=env)
        self.addCleanup(child.wait)
        self.addCleanup(lambda: child.poll() is None and child.kill())
        deadline = time.monotonic() + 60
        while 'blocked' not in open(block).read():
            self.assertIsNone(child.poll(), 'child exited early')
            self.assertLess(time.monotonic(), deadline)
            time.sleep(0.05)
        return child

    def test_resume_after_sigkill(self):
        trace, block = self._paths()
        book_uuid = uuidutils.generate_uuid()
        child = self._run_child_until_blocked(book_uuid, trace, block)
        # step3 is running, so step2's SUCCESS was saved: crash now.
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        os.unlink(block)
        self.assertEqual(['step1', 'step2'], flows.read_trace(trace))

        with contextlib.closing(self._get_connection()) as conn:
            fd = next(iter(conn.get_logbook(book_uuid)))
        saved = {ad.name: ad.state for ad in fd}
        self.assertEqual(states.SUCCESS, saved['step2'])
        self.assertEqual(states.RUNNING, saved['step3'])
        engine = engines.load_from_detail(fd, backend=self.backend,
                                          engine='serial')
        engine.run()
        # Steps 1 and 2 did not run again; the interrupted step3 did.
        self.assertEqual(['step1', 'step2', 'step3'],
                         flows.read_trace(trace))
        with contextlib.closing(self._get_connection()) as conn:
            fd = conn.get_flow_details(fd.uuid)
        self.assertEqual(states.SUCCESS, fd.state)
        self.assertEqual('step3', fd.find(
            next(ad.uuid for ad in fd if ad.name == 'step3')).results)


class SchemaTests:
    """The library's migrations build the tables the models describe."""

    def make_database(self):
        raise NotImplementedError()

    def test_migration_matches_models(self):
        database = self.make_database()
        engine = sa.create_engine(database.url)
        self.addCleanup(engine.dispose)
        names = {table.name for table in models.TABLES}
        names.update(index.name for table in models.TABLES
                     for index in table.indexes)

        def ours(obj, name, type_, reflected, compare_to):
            table = obj if type_ == 'table' else getattr(obj, 'table', None)
            return (name in names if type_ in ('table', 'index')
                    else table is None or table.name in names)

        migration.upgrade(engine)
        with engine.begin() as conn:
            context = alembic_migration.MigrationContext.configure(
                conn, opts={'compare_type': True, 'include_object': ours})
            diff = autogenerate.compare_metadata(
                context, models.FlowLogbook.metadata)
        self.assertEqual([], diff)
