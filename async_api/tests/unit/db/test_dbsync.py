"""``async-api-dbsync`` run as a real command."""

import datetime
import os
import subprocess
import sys

from oslo_utils import timeutils
import sqlalchemy as sa

from async_api.db import engine as db_engine
from async_api.db import models
from async_api.tests import base
from async_api.tests import legacy_upgrade


class TestDbsyncCommand(base.TestCase):

    def _run(self, config_file, *args):
        return subprocess.run(
            [sys.executable, '-m', 'async_api.baremetal.command.dbsync',
             '--config-file', config_file] + list(args),
            capture_output=True, text=True, timeout=120)

    def test_upgrade_creates_database_and_reports_revision(self):
        db_path = os.path.join(self.state_path, 'sub', 'db.sqlite')
        config_file = os.path.join(self.state_path, 'test.conf')
        with open(config_file, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s\n' % db_path)
        before = self._run(config_file, 'version')
        self.assertEqual(0, before.returncode, before.stderr)
        self.assertEqual(['async_api: None', 'async_api.baremetal: None'],
                         before.stdout.splitlines())
        upgraded = self._run(config_file, 'upgrade')
        self.assertEqual(0, upgraded.returncode, upgraded.stderr)
        self.assertTrue(os.path.exists(db_path))
        after = self._run(config_file, 'version')
        self.assertEqual(upgraded.stdout, after.stdout)
        self.assertEqual(['async_api: 0001', 'async_api.baremetal: 0002'],
                         after.stdout.splitlines())

    def test_upgrade_adopts_a_database_of_the_first_history(self):
        db_path = os.path.join(self.state_path, 'db.sqlite')
        config_file = os.path.join(self.state_path, 'test.conf')
        with open(config_file, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s\n' % db_path)
        engine = sa.create_engine('sqlite:///%s' % db_path)
        self.addCleanup(engine.dispose)
        legacy_upgrade.build_legacy_database(engine)
        legacy_upgrade.fill(engine)
        upgraded = self._run(config_file, 'upgrade')
        self.assertEqual(0, upgraded.returncode, upgraded.stderr)
        self.assertEqual(['async_api: 0001', 'async_api.baremetal: 0002'],
                         upgraded.stdout.splitlines())
        names = set(sa.inspect(engine).get_table_names())
        self.assertIn('async_api_tasks', names)
        self.assertNotIn('alembic_version', names)

    def test_purge_idempotency_keys(self):
        db_path = os.path.join(self.state_path, 'db.sqlite')
        config_file = os.path.join(self.state_path, 'test.conf')
        with open(config_file, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s\n' % db_path)
        self.assertEqual(0, self._run(config_file, 'upgrade').returncode)
        database = db_engine.Database('sqlite:///%s' % db_path)
        self.addCleanup(database.dispose)
        past = timeutils.utcnow() - datetime.timedelta(seconds=1)
        with database.writer.using() as session:
            for key, expires in (('old', past),
                                 ('new', past + datetime.timedelta(days=1))):
                session.add(models.IdempotencyKey(
                    project_id='', key=key, fingerprint='f',
                    state='completed', owner='o', locked_at=past,
                    reserved_uuid='u', created_at=past, expires_at=expires))
        purged = self._run(config_file, 'purge-idempotency-keys')
        self.assertEqual(0, purged.returncode, purged.stderr)
        self.assertIn('Purged 1 expired', purged.stdout)
        with database.reader.using() as session:
            self.assertEqual(['new'], [
                row.key for row in session.query(models.IdempotencyKey)])


class TestPurgeTasksCommand(base.TestCase):

    def test_purge_tasks_deletes_only_old_finished_tasks(self):
        from async_api.common import states
        from async_api.tests import retention_rows

        db_path = os.path.join(self.state_path, 'db.sqlite')
        config_file = os.path.join(self.state_path, 'test.conf')
        with open(config_file, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s\n' % db_path)

        def run(*args):
            return subprocess.run(
                [sys.executable, '-m', 'async_api.baremetal.command.dbsync',
                 '--config-file', config_file] + list(args),
                capture_output=True, text=True, timeout=120)

        self.assertEqual(0, run('upgrade').returncode)
        engine = sa.create_engine('sqlite:///%s' % db_path)
        self.addCleanup(engine.dispose)
        retention_rows.insert_tasks(engine, 5, age_days=10)
        retention_rows.insert_tasks(engine, 2, age_days=2)
        retention_rows.insert_tasks(engine, 3, state=states.RUNNING,
                                    age_days=10)
        purged = run('purge-tasks', '--older-than', '7', '--batch-size', '2')
        self.assertEqual(0, purged.returncode, purged.stderr)
        self.assertIn('Purged 5 finished tasks', purged.stdout)
        self.assertEqual(5, retention_rows.counts(engine)[0])
        refused = run('purge-tasks', '--older-than', '-1')
        self.assertNotEqual(0, refused.returncode)
