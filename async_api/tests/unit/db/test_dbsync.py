"""``async-api-dbsync`` run as a real command."""

import os
import subprocess
import sys

from async_api.tests import base


class TestDbsyncCommand(base.TestCase):

    def _run(self, config_file, *args):
        return subprocess.run(
            [sys.executable, '-m', 'async_api.command.dbsync',
             '--config-file', config_file] + list(args),
            capture_output=True, text=True, timeout=120)

    def test_upgrade_creates_database_and_reports_revision(self):
        db_path = os.path.join(self.state_path, 'sub', 'db.sqlite')
        config_file = os.path.join(self.state_path, 'test.conf')
        with open(config_file, 'w') as f:
            f.write('[database]\nconnection = sqlite:///%s\n' % db_path)
        before = self._run(config_file, 'version')
        self.assertEqual(0, before.returncode, before.stderr)
        self.assertEqual('None', before.stdout.strip())
        upgraded = self._run(config_file, 'upgrade')
        self.assertEqual(0, upgraded.returncode, upgraded.stderr)
        self.assertTrue(os.path.exists(db_path))
        after = self._run(config_file, 'version')
        self.assertIn(after.stdout.strip(), upgraded.stdout)
        self.assertNotEqual('None', after.stdout.strip())
