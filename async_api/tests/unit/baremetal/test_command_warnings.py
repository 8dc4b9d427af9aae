"""The commands start without third-party warnings nobody can act on."""

import importlib.util
import subprocess
import sys

from async_api.tests import base


class TestCommandWarnings(base.TestCase):

    def test_no_eventlet_or_dsa_deprecation_on_start(self):
        # The scenario: eventlet installed (oslo.messaging brings it), so
        # futurist imports it, and it and its dnspython warn.
        self.assertIsNotNone(importlib.util.find_spec('eventlet'))
        for command in ('all', 'api', 'conductor', 'dbsync'):
            found = subprocess.run(
                [sys.executable, '-W', 'default', '-m',
                 'async_api.baremetal.command.' + command, '--help'],
                capture_output=True, text=True, timeout=120)
            self.assertEqual(0, found.returncode, found.stderr)
            self.assertNotIn('Eventlet is deprecated', found.stderr)
            self.assertNotIn('DSA is deprecated', found.stderr)
