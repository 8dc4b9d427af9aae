"""A configured backend whose extra is missing stops start-up, in a line.

A module is made missing by putting None in ``sys.modules`` under its
name: importing it then raises ImportError, as if it were not installed.
"""

import os
import subprocess
import sys
from unittest import mock

from async_api.baremetal import conf as async_conf
from async_api.common import extras
from async_api.db import engine as db_engine
from async_api.jobboard import factory as board_factory
from async_api.persistence import factory as persistence_factory
from async_api.tests import base


def _missing(*modules):
    return mock.patch.dict(sys.modules, dict.fromkeys(modules))


class TestMissingClients(base.TestCase):

    def setUp(self):
        super().setUp()
        self.config(connection='sqlite:///%s/db.sqlite' % self.state_path,
                    group='database')

    def _board_error(self, backend, module):
        self.config(backend=backend, hosts=['127.0.0.1'],
                    group='async_api_jobboard')
        with _missing(module):
            check = self.assertRaises(extras.MissingExtra,
                                      board_factory.check, async_conf.CONF)
            opening = self.assertRaises(extras.MissingExtra,
                                        board_factory.open_board,
                                        async_conf.CONF, None)
        self.assertEqual(str(check), str(opening))
        return str(check)

    def test_redis(self):
        self.assertEqual("The redis jobboard needs the redis client: "
                         "pip install 'async_api[redis]'",
                         self._board_error('redis', 'redis'))

    def test_etcd(self):
        self.assertEqual("The etcd jobboard needs the etcd3gw client: "
                         "pip install 'async_api[etcd]'",
                         self._board_error('etcd', 'etcd3gw'))

    def test_zookeeper(self):
        self.assertEqual("The zookeeper jobboard needs the kazoo client: "
                         "pip install 'async_api[zookeeper]'",
                         self._board_error('zookeeper', 'kazoo'))

    def test_embedded_defaults_need_no_extra(self):
        with _missing('redis', 'etcd3gw', 'kazoo', 'psycopg2', 'pymysql'):
            board_factory.check(async_conf.CONF)
            persistence_factory.check(async_conf.CONF)


class TestMissingDrivers(base.TestCase):

    def test_postgresql(self):
        with _missing('psycopg2'):
            error = self.assertRaises(
                extras.MissingExtra, db_engine.Database,
                'postgresql+psycopg2://user:s3cret@db.example/async_api')
        self.assertEqual("The async_api database (postgresql+psycopg2) "
                         "needs the psycopg2 driver: "
                         "pip install 'async_api[postgresql]'", str(error))

    def test_mysql(self):
        with _missing('pymysql'):
            error = self.assertRaises(
                extras.MissingExtra, extras.require_driver,
                'mysql+pymysql://user:s3cret@db.example/async_api',
                'The database')
        self.assertEqual("The database (mysql+pymysql) needs the pymysql "
                         "driver: pip install 'async_api[mysql]'",
                         str(error))

    def test_persistence_and_board_databases(self):
        self.config(connection='sqlite:///%s/db.sqlite' % self.state_path,
                    group='database')
        self.config(connection='postgresql://h/flows',
                    group='async_api_persistence')
        self.config(connection='mysql+pymysql://h/jobs',
                    group='async_api_jobboard')
        # psycopg, SQLAlchemy 2.1's default PostgreSQL driver, is not ours.
        with _missing('psycopg2', 'psycopg', 'pymysql'):
            pers = self.assertRaises(extras.MissingExtra,
                                     persistence_factory.check,
                                     async_conf.CONF)
            board = self.assertRaises(extras.MissingExtra,
                                      board_factory.check, async_conf.CONF)
        self.assertIn('The persistence database', str(pers))
        self.assertIn("'async_api[postgresql]'", str(pers))
        self.assertIn("The sqlalchemy jobboard's database", str(board))
        self.assertIn("'async_api[mysql]'", str(board))


class TestCommandsReportOneLine(base.TestCase):

    def test_all_exits_with_the_message_alone(self):
        config_file = os.path.join(self.state_path, 'test.conf')
        with open(config_file, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s/db.sqlite\n'
                    '[async_api_jobboard]\nbackend = redis\n'
                    'hosts = 127.0.0.1\n' % self.state_path)
        # The command as installed, with the redis client made missing.
        code = ("import sys; sys.modules['redis'] = None; "
                "from async_api.baremetal.command import all; "
                "sys.exit(all.main())")
        result = subprocess.run(
            # Without other libraries' deprecation warnings.
            [sys.executable, '-W', 'ignore', '-c', code,
             '--config-file', config_file],
            capture_output=True, text=True, timeout=120)
        self.assertEqual(1, result.returncode, result.stderr)
        self.assertEqual(
            ["async-api-all: The redis jobboard needs the redis client: "
             "pip install 'async_api[redis]'"],
            result.stderr.splitlines())
