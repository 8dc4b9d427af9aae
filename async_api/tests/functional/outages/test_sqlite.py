"""The embedded service heals after its SQLite files turn read-only.

16 clients keep submitting power changes to nodes of their own while the
database file and its write-ahead log are made immutable (``chattr +i``)
for :data:`OUTAGE` seconds: every write fails, at the operating system,
as a full disk or a read-only remount would make it fail ("attempt to
write a readonly database" for a new connection, "disk I/O error" for an
open one), while reads go on. The ``-shm`` index is left alone: SQLite
maps it into memory, and a write to an immutable mapping is a SIGBUS that
kills the process, which is a crash, not an outage.

Without a restart, every task accepted must end ``succeeded`` (none
failed for the outage), and every write refused must have been a 503 with
``Retry-After``.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import time

from testtools import content as testtools_content

from async_api.baremetal.conf import database as database_conf
from async_api.tests.functional.api import base
from async_api.tests.functional import load

OUTAGE = float(os.environ.get('ASYNC_API_TEST_SQLITE_OUTAGE', 20))

FAST = {
    'async_api_jobboard': {'claim_expiry': 5, 'poll_interval': 0.1},
    'async_api_lanes': {'reconcile_interval': 2, 'repost_after': 5},
    'async_api_conductor': {'workers': 4},
}


def chattr(flag, paths):
    subprocess.run(['chattr', flag] + paths, check=True,
                   capture_output=True)


class TestSQLiteWriteOutage(load.LoadTestMixin, base.ServiceTestCase):

    def setUp(self):
        super().setUp()
        if os.getuid() != 0 or not shutil.which('chattr'):
            self.skipTest('making files immutable needs root and chattr')
        self.service = self.start('all', **FAST)
        self.addOnException(self._keep_log)
        self.database = os.path.join(self.state_path,
                                     database_conf.DEFAULT_SQLITE_NAME)

    def _keep_log(self, exc_info):
        log = self.service.read_log()
        self.addDetail('all-log', testtools_content.text_content(
            log[-200000:]))
        self.addDetail('unfinished', testtools_content.text_content(
            self._unfinished()))
        # The outage's refusals fill the tail above: the runs of a task
        # that did not succeed may be long gone from it.
        self.addDetail('not-succeeded', testtools_content.text_content(
            self._not_succeeded(log)))

    def _read_only(self):
        """A connection to the service's file that cannot write to it."""
        return sqlite3.connect('file:%s?mode=ro' % self.database, uri=True)

    def _not_succeeded(self, log):
        """Each task that did not succeed: its events and log lines."""
        lines = []
        with self._read_only() as conn:
            tasks = conn.execute(
                "SELECT uuid, state, job_uuid, attempt, error FROM "
                "async_api_tasks WHERE state != 'succeeded' "
                "ORDER BY id").fetchall()
            for task in tasks:
                lines.append('task %r' % (task,))
                lines.extend('  event %r' % (event,) for event in conn.execute(
                    "SELECT time, event, state, host, details FROM "
                    "async_api_task_events WHERE task_uuid = ? ORDER BY id",
                    (task[0],)))
                # Lines naming the task or its job.
                names = [name for name in (task[0], task[2]) if name]
                lines.extend('  log %s' % line for line in log.splitlines()
                             if any(name in line for name in names))
        return '\n'.join(lines)[-400000:] or 'none'

    def _unfinished(self):
        """The unfinished tasks and their jobs, read from the file."""
        lines = []
        with self._read_only() as conn:
            tasks = conn.execute(
                "SELECT uuid, state, job_uuid, claim_epoch, attempt, "
                "posted_at, updated_at FROM async_api_tasks WHERE state "
                "NOT IN ('succeeded', 'failed', 'error', 'cancelled') "
                "ORDER BY id").fetchall()
            jobs = conn.execute(
                "SELECT uuid, status, owner, epoch, claim_expires_at, "
                "details FROM async_api_jobboard_jobs").fetchall()
        by_task = {}
        for job in jobs:
            task_uuid = (json.loads(job[5] or '{}') or {}).get('task_uuid')
            by_task.setdefault(task_uuid, []).append(job[:5])
        for task in tasks:
            lines.append('task %r jobs %r' % (task, by_task.get(task[0])))
        return '\n'.join(lines) or 'none'

    def frozen_files(self):
        return [path for path in (self.database, self.database + '-wal')
                if os.path.exists(path)]

    def test_heals_after_write_outage(self):
        work = self.start_load()
        self.wait_until_accepted(work, 2 * load.CLIENTS)
        frozen = self.frozen_files()
        self.addCleanup(chattr, '-i', frozen)
        fault_start = time.monotonic()
        chattr('+i', frozen)
        time.sleep(OUTAGE)
        chattr('-i', frozen)
        fault_end = time.monotonic()
        # The load goes on after the fault: the service must accept again.
        time.sleep(10)
        recovery, accepted, refused = self.assert_healed(
            work, fault_start, fault_end)
        print('sqlite write outage %.0f s: %d tasks accepted, %d writes '
              'refused, all done %.1f s after the fault cleared'
              % (OUTAGE, accepted, refused, recovery))
