"""Servers a test owns alone, so that it may stop and restart them.

The run's shared servers (``tools/test-servers.sh``) serve tests running
in parallel; an outage test starts its own Redis or PostgreSQL on a free
port in its scratch directory, and restarts it on the same port and data.
"""

import os
import shutil
import subprocess
import time

import fixtures
import redis
import sqlalchemy as sa

from async_api.tests import db_fixtures
from async_api.tests.functional.distributed import base
from async_api.tests.functional import service
from async_api.tests import servers


def _pg_bin():
    root = '/usr/lib/postgresql'
    versions = sorted(os.listdir(root),
                      key=lambda v: [int(p) for p in v.split('.')])
    return os.path.join(root, versions[-1], 'bin')


def _as_postgres(argv):
    # initdb and postgres refuse to run as root.
    if os.getuid() == 0:
        return ['runuser', '-u', 'postgres', '--'] + argv
    return argv


class RedisServer(fixtures.Fixture):
    """A Redis that keeps its data across a restart (AOF, fsync always)."""

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.port = service.free_port()
        self.url = 'redis://127.0.0.1:%d' % self.port
        self.process = None
        self.start()
        self.addCleanup(self.stop)

    def start(self):
        log = open(os.path.join(self.dir, 'server.log'), 'ab')
        self.process = subprocess.Popen(
            [shutil.which('redis-server'), '--bind', '127.0.0.1',
             '--port', str(self.port), '--dir', self.dir, '--save', '',
             '--appendonly', 'yes', '--appendfsync', 'always'],
            stdout=log, stderr=subprocess.STDOUT)
        log.close()
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.process = None


class PostgreSQLServer(fixtures.Fixture):
    """A PostgreSQL cluster of one test, with a migrated database."""

    def _setUp(self):
        self.dir = self.useFixture(fixtures.TempDir()).path
        os.chmod(self.dir, 0o777)
        self.data = os.path.join(self.dir, 'data')
        self.port = service.free_port()
        bin_dir = _pg_bin()
        self.pg_ctl = os.path.join(bin_dir, 'pg_ctl')
        subprocess.run(_as_postgres([
            os.path.join(bin_dir, 'initdb'), '-D', self.data,
            '-U', 'postgres', '--auth=trust', '--no-sync']),
            check=True, capture_output=True)
        self.url = ('postgresql+psycopg2://postgres@127.0.0.1:%d/postgres'
                    % self.port)
        self.start()
        self.addCleanup(self.stop)

    def start(self):
        subprocess.run(_as_postgres([
            self.pg_ctl, '-D', self.data, '-w', '-l',
            os.path.join(self.dir, 'server.log'), '-o',
            '-c listen_addresses=127.0.0.1 -p %d -k %s -c fsync=off '
            '-c max_connections=200' % (self.port, self.dir), 'start']),
            check=True, capture_output=True)

    def stop(self):
        # "fast": sessions are cut as when the server crashes or restarts.
        subprocess.run(_as_postgres([self.pg_ctl, '-D', self.data, '-w',
                                     '-m', 'fast', 'stop']),
                       capture_output=True)

    def wait_ready(self, timeout=30):
        engine = sa.create_engine(self.url)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    with engine.connect() as conn:
                        conn.execute(sa.text('SELECT 1'))
                    return
                except sa.exc.OperationalError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.1)
        finally:
            engine.dispose()


class PrivatePostgreSQLMixin(base.RedisBoard):
    """A distributed test whose database is a PostgreSQL server of its own
    (so the test may stop it), with the jobboard on the run's Redis."""

    def make_database(self):
        servers.require(self, servers.POSTGRESQL)
        self.postgresql = self.useFixture(PostgreSQLServer())
        # The cluster is thrown away with the test: no database to drop
        # (a pooled admin connection would not survive the restart).
        engine = sa.create_engine(self.postgresql.url)
        try:
            db_fixtures.migrate(engine)
        finally:
            engine.dispose()
        return self.postgresql.url
