"""An IPMI BMC emulator on pyghmi's server side, and a fixture running it.

``python -m async_api.tests.emulators.ipmi --count N`` serves N BMCs on
127.0.0.1 UDP (ephemeral ports, printed as ``PORTS p1 p2 ...``) until it
is killed. Each BMC keeps a power state and a boot device in memory.

pyghmi's server accepts a SHA-256 RMCP+ proposal but answers with SHA-1,
which its own client cannot follow (``struct.error`` in ``_got_rakp2``):
the session here refuses any non-SHA-1 proposal with status 0x11 (invalid
authentication algorithm), and the client falls back to SHA-1.
"""

import argparse
import socket
import subprocess
import sys

import fixtures
from pyghmi.ipmi import bmc as pyghmi_bmc
from pyghmi.ipmi.private import serversession
from pyghmi.ipmi.private import session as pyghmi_session

USER = 'admin'
#: RMCP+ status "invalid authentication algorithm".
_INVALID_AUTH_ALGORITHM = 0x11
# Offsets in an RMCP+ open session request: tag, privilege, 2 reserved,
# 4 session id, then the 8-byte authentication payload (algorithm at 4).
_AUTH_ALGORITHM_OFFSET = 12
_SHA1 = 1


class _Sha1OnlySession(serversession.ServerSession):

    def create_open_session_response(self, request):
        if (len(request) > _AUTH_ALGORITHM_OFFSET
                and request[_AUTH_ALGORITHM_OFFSET] != _SHA1):
            clienttag = request[0]
            return (bytearray([clienttag, _INVALID_AUTH_ALGORITHM, 0, 0])
                    + request[4:8])
        return super().create_open_session_response(request)


# The server module creates sessions by this name.
serversession.ServerSession = _Sha1OnlySession


class EmulatedBmc(pyghmi_bmc.Bmc):
    """One BMC: power and boot device, applied at once."""

    def __init__(self, authdata, port=0, address='127.0.0.1'):
        super().__init__(authdata, port=port, address=address)
        self.port = self.serversocket.getsockname()[1]
        self.powerstate = 'off'
        self.bootdevice = 'default'

    def get_power_state(self):
        return self.powerstate

    def power_off(self):
        self.powerstate = 'off'

    def power_on(self):
        self.powerstate = 'on'

    def power_shutdown(self):
        self.powerstate = 'off'

    def power_reset(self):
        self.powerstate = 'on'

    def power_cycle(self):
        self.powerstate = 'on'

    def get_boot_device(self):
        return self.bootdevice

    def set_boot_device(self, bootdevice):
        self.bootdevice = bootdevice

    def cold_reset(self):
        return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--count', type=int, default=1)
    parser.add_argument('--user', default=USER)
    parser.add_argument('--password', required=True)
    args = parser.parse_args(argv)
    bmcs = [EmulatedBmc({args.user: args.password})
            for _ in range(args.count)]
    print('PORTS %s' % ' '.join(str(b.port) for b in bmcs), flush=True)
    while True:
        pyghmi_session.Session.wait_for_rsp(30)


class IPMIEmulator(fixtures.Fixture):
    """``count`` emulated BMCs in a subprocess; ``ports`` once set up."""

    def __init__(self, password, count=1, user=USER):
        super().__init__()
        self.password = password
        self.count = count
        self.user = user

    def _setUp(self):
        # The password goes through stdin-free argv of a test-only process.
        self.process = subprocess.Popen(
            [sys.executable, '-m', __name__, '--count', str(self.count),
             '--user', self.user, '--password', self.password],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.addCleanup(self._stop)
        line = self.process.stdout.readline().split()
        if not line or line[0] != 'PORTS':
            raise RuntimeError('The IPMI emulator did not start')
        self.ports = [int(port) for port in line[1:]]

    def _stop(self):
        self.process.kill()
        self.process.wait()
        self.process.stdout.close()

    def driver_info(self, index=0, password=None):
        return {'ipmi_address': '127.0.0.1',
                'ipmi_port': self.ports[index],
                'ipmi_username': self.user,
                'ipmi_password': password or self.password}


class BlackHole(fixtures.Fixture):
    """A UDP port that receives and never answers: an unreachable BMC."""

    def _setUp(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(('127.0.0.1', 0))
        self.addCleanup(self.socket.close)
        self.port = self.socket.getsockname()[1]


if __name__ == '__main__':
    sys.exit(main())
