"""The SQL board, the tasks and the flows' progress on MySQL/MariaDB.

tools/test-servers.sh starts MariaDB for it.
"""

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import url as sa_url

from async_api.tests import db_fixtures
from async_api.tests.functional.distributed import base
from async_api.tests.functional.distributed import crash
from async_api.tests import servers


class TestCrashResumeMySQL(crash.CrashResumeMixin, base.DistributedTestCase):
    BOARD = 'sqlalchemy'

    def make_database(self):
        server = servers.require(self, servers.MYSQL)
        name = 'test_%s' % uuid.uuid4().hex[:12]
        admin = sa.create_engine(server)
        with admin.begin() as conn:
            conn.execute(sa.text('CREATE DATABASE %s CHARACTER SET utf8mb4'
                                 % name))
        self.addCleanup(self._drop, admin, name)
        url = sa_url.make_url(server).set(database=name).render_as_string(
            hide_password=False)
        engine = sa.create_engine(url)
        try:
            db_fixtures.migrate(engine)
        finally:
            engine.dispose()
        return url

    @staticmethod
    def _drop(admin, name):
        with admin.begin() as conn:
            conn.execute(sa.text('DROP DATABASE IF EXISTS %s' % name))
        admin.dispose()
