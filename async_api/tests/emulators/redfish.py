"""sushy-emulator with its fake driver, and a fixture running it.

``python -m async_api.tests.emulators.redfish --config FILE`` serves the
emulator's Flask app on 127.0.0.1 (an ephemeral port, printed as ``PORT
p``) until it is killed. ``--power-delay`` replaces the fake driver's
random 1-11 s power delay with a fixed one, so tests are deterministic.

:class:`RedfishEmulator` writes the config file: the fake driver, a fresh
state directory (the emulator keeps its systems in SQLite there), the
systems to emulate and, with ``password``, an htpasswd file so that wrong
credentials are refused.
"""

import argparse
import os
import subprocess
import sys

import fixtures
from oslo_utils import uuidutils

USER = 'admin'


class _FixedDelay:
    """Stands in for ``random`` in the fake driver's module."""

    def __init__(self, delay):
        self.delay = delay

    def randint(self, low, high):
        return self.delay


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', required=True)
    parser.add_argument('--power-delay', type=int, default=0)
    args = parser.parse_args(argv)
    # Imported here: the fixture side need not load Flask.
    from sushy_tools.emulator import main as emulator
    from sushy_tools.emulator.resources.systems import fakedriver
    from werkzeug import serving

    fakedriver.random = _FixedDelay(args.power_delay)
    emulator.app.configure(config_file=args.config)
    server = serving.make_server('127.0.0.1', 0, emulator.app,
                                 threaded=True)
    print('PORT %d' % server.server_port, flush=True)
    server.serve_forever()


class RedfishEmulator(fixtures.Fixture):
    """sushy-emulator serving ``count`` fake systems in a subprocess.

    ``url`` and ``system_ids`` are set once it is up.
    """

    def __init__(self, count=1, password=None, power_delay=0,
                 power_state='Off'):
        super().__init__()
        self.count = count
        self.password = password
        self.power_delay = power_delay
        self.power_state = power_state

    def _write_config(self, directory):
        self.system_ids = [uuidutils.generate_uuid()
                           for _ in range(self.count)]
        systems = [{'uuid': uuid, 'name': 'fake-%d' % index,
                    'power_state': self.power_state, 'nics': []}
                   for index, uuid in enumerate(self.system_ids)]
        lines = ['SUSHY_EMULATOR_FAKE_DRIVER = True',
                 "SUSHY_EMULATOR_LISTEN_IP = '127.0.0.1'",
                 'SUSHY_EMULATOR_STATE_DIR = %r'
                 % os.path.join(directory, 'state'),
                 'SUSHY_EMULATOR_FAKE_SYSTEMS = %r' % systems]
        if self.password:
            import bcrypt
            hashed = bcrypt.hashpw(self.password.encode(),
                                   bcrypt.gensalt(rounds=4)).decode()
            auth_file = os.path.join(directory, 'htpasswd')
            with open(auth_file, 'w') as f:
                f.write('%s:%s\n' % (USER, hashed))
            lines.append('SUSHY_EMULATOR_AUTH_FILE = %r' % auth_file)
        path = os.path.join(directory, 'emulator.conf')
        with open(path, 'w') as f:
            f.write('\n'.join(lines) + '\n')
        return path

    def _setUp(self):
        directory = self.useFixture(fixtures.TempDir()).path
        config = self._write_config(directory)
        self.process = subprocess.Popen(
            [sys.executable, '-m', __name__, '--config', config,
             '--power-delay', str(self.power_delay)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(self._stop)
        line = self.process.stdout.readline().split()
        if not line or line[0] != 'PORT':
            raise RuntimeError('sushy-emulator did not start')
        self.url = 'http://127.0.0.1:%s' % line[1]

    def _stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()

    def driver_info(self, index=0, password=None):
        info = {'redfish_address': self.url,
                'redfish_system_id': '/redfish/v1/Systems/%s'
                                     % self.system_ids[index]}
        if self.password or password:
            info.update(redfish_username=USER,
                        redfish_password=password or self.password)
        return info


if __name__ == '__main__':
    sys.exit(main())
