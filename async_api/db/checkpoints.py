"""WAL checkpoints of a SQLite file, in a thread of their own.

SQLite copies its write-ahead log back into the database file (a
checkpoint) in whichever commit finds the log past
``wal_autocheckpoint`` pages, and with ``synchronous=NORMAL`` that
commit also syncs both files. An accept writes some 22 pages, so about
one commit in 45 did it: 4-8 ms instead of 0.1, half of all the time
spent committing, and the commit holds the worker's one write slot (see
``[api]max_concurrent_writes``) all along.

:class:`Checkpointer` counts the engine's commits and, every
:data:`COMMITS` of them, wakes its thread to run a ``PASSIVE``
checkpoint on a connection of its own: it waits for no reader or writer,
and they do not wait for it. Pooled connections keep an automatic
checkpoint at :data:`SAFETY_PAGES`, four times SQLite's default, only as
a bound on the log should the thread fall behind. The thread starts
with the first commit of each process (a forked worker has its own)
and stops with :meth:`Checkpointer.stop`.
"""

import os
import sqlite3
import threading

from oslo_log import log
import sqlalchemy as sa

LOG = log.getLogger(__name__)

#: Commits between two background checkpoints (SQLite's default
#: threshold of 1,000 pages came about every 45 accepts).
COMMITS = 32
#: ``wal_autocheckpoint`` of pooled connections: the bound on the log
#: if the background checkpoints fall behind (4,000 pages, 16 MB).
SAFETY_PAGES = 4000
#: The pragma that sets it, for the pool's connect hook.
SAFETY_PRAGMA = 'PRAGMA wal_autocheckpoint=%d' % SAFETY_PAGES


class Checkpointer:
    """Checkpoints the SQLite file of ``engine`` every ``every`` commits.

    :param path: the database file.
    """

    def __init__(self, engine, path, every=COMMITS):
        self._path = path
        self._every = every
        self._commits = 0
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._thread = None
        self._pid = None
        self._stopped = False
        #: Checkpoints run, and the last one's result: ``(busy, pages in
        #: the log, pages copied back)``, as SQLite reports it.
        self.runs = 0
        self.last = None
        sa.event.listen(engine, 'commit', self._committed)

    def _committed(self, _conn):
        # Called in the committing thread, under no lock: a lost count
        # only delays a checkpoint by a commit.
        self._commits += 1
        if self._commits >= self._every:
            self._commits = 0
            self._start()
            self._wake.set()

    def _start(self):
        if self._pid == os.getpid() or self._stopped:
            return
        with self._lock:
            # A forked process inherits the attributes, not the thread.
            if self._pid != os.getpid() and not self._stopped:
                self._thread = threading.Thread(
                    target=self._run, name='sqlite-checkpoints',
                    daemon=True)
                self._thread.start()
                self._pid = os.getpid()

    def _run(self):
        connection = None
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopped:
                break
            try:
                if connection is None:
                    connection = sqlite3.connect(self._path)
                self.last = connection.execute(
                    'PRAGMA wal_checkpoint(PASSIVE)').fetchone()
                self.runs += 1
            except sqlite3.Error as e:
                # The next commit's checkpoint tries again (the file may
                # be read-only for a while); meanwhile the pool's
                # automatic checkpoint bounds the log.
                LOG.warning('Could not checkpoint %s: %s', self._path, e)
                if connection is not None:
                    connection.close()
                    connection = None
        if connection is not None:
            connection.close()

    def stop(self):
        """End the thread (once its checkpoint in progress is done)."""
        self._stopped = True
        self._wake.set()
        thread = self._thread
        if thread is not None and self._pid == os.getpid():
            thread.join(10)
