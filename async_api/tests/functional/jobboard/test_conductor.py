"""TaskFlow's stock conductors run jobs posted on the SQL jobboard."""

import contextlib
import threading
import time

from oslo_utils import uuidutils
from taskflow.conductors import backends as conductors
from taskflow.engines import helpers as engine_helpers
from taskflow.patterns import linear_flow
from taskflow.persistence import backends as persistence_backends
from taskflow.persistence import models as p_models
from taskflow import task

from async_api.tests import base
from async_api.tests import db_fixtures
from async_api.tests.unit.jobboard import fixtures as jb_fixtures

# Which (job, step) pairs ran; filled from the conductors' threads.
RAN = []
_RAN_LOCK = threading.Lock()


class Record(task.Task):

    def execute(self, job_name):
        with _RAN_LOCK:
            RAN.append((job_name, self.name))


def make_flow():
    """Flow factory: imported by name by the conductor, as in production."""
    return linear_flow.Flow('recorded').add(Record('first'),
                                            Record('second'))


class ConductorTestsMixin:

    JOBS = 6

    def _persistence(self):
        backend = persistence_backends.fetch(self.persistence_conf())
        with contextlib.closing(backend.get_connection()) as conn:
            conn.upgrade()
        self.addCleanup(backend.close)
        return backend

    def _post(self, board, persistence, name):
        book = p_models.LogBook(name)
        flow_detail = p_models.FlowDetail(name, uuidutils.generate_uuid())
        book.add(flow_detail)
        with contextlib.closing(persistence.get_connection()) as conn:
            conn.save_logbook(book)
        # Records the factory's import path: the conductor rebuilds the
        # flow from it, as a conductor in another process would.
        engine_helpers.save_factory_details(flow_detail, make_flow, (), {},
                                            backend=persistence)
        return board.post(name, book=book,
                          details={'store': {'job_name': name}})

    def _run(self, kind):
        persistence = self._persistence()
        board = jb_fixtures.fetch_board(self, self.url,
                                        persistence=persistence)
        board.connect()
        prefix = '%s-%s' % (kind, uuidutils.generate_uuid()[:8])
        names = ['%s-%d' % (prefix, i) for i in range(self.JOBS)]
        for name in names:
            self._post(board, persistence, name)
        # Unique names: two conductors of one name consume each other's
        # jobs (see DESIGN.md).
        conductor = conductors.fetch(
            kind, 'conductor-' + uuidutils.generate_uuid()[:8], board,
            persistence=persistence, engine='serial', wait_timeout=0.05)
        runner = threading.Thread(target=conductor.run, daemon=True)
        runner.start()
        deadline = time.monotonic() + 60
        try:
            while board.job_count and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            conductor.stop()
            runner.join(10)
        self.assertEqual(0, board.job_count)
        self.assertEqual([], board.trashed_jobs())
        with _RAN_LOCK:
            ran = [pair for pair in RAN if pair[0] in names]
        self.assertEqual(sorted((n, s) for n in names
                                for s in ('first', 'second')), sorted(ran))

    def test_blocking_conductor(self):
        self._run('blocking')

    def test_nonblocking_conductor(self):
        self._run('nonblocking')


class MemoryPersistenceConductorTest(ConductorTestsMixin, base.TestCase):
    """SQL board on SQLite, TaskFlow's in-memory persistence."""

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url

    def persistence_conf(self):
        return {'connection': 'memory://'}


class SQLPersistenceConductorTest(ConductorTestsMixin, base.TestCase):
    """Board and TaskFlow's SQLAlchemy persistence in one SQLite file."""

    JOBS = 3

    def setUp(self):
        super().setUp()
        self.url = self.useFixture(
            db_fixtures.SQLiteDatabase(migrate=False)).url

    def persistence_conf(self):
        return {'connection': self.url}
