"""Run the real ``openstack`` command against the real service."""

import json
import os
import subprocess
import sys

import testtools

from async_api.tests.functional.api import base

#: The ``openstack`` of the virtualenv running the tests
#: (python-openstackclient is a test requirement).
OPENSTACK = os.path.join(os.path.dirname(sys.executable), 'openstack')


class OpenStackTestCase(base.ServiceTestCase):
    """Starts ``async-api-all`` and runs ``openstack asyncapi ...``.

    The command gets only ``OS_*`` variables of the test's making and a
    scratch home, so no ``clouds.yaml`` of the machine's takes part.
    """

    #: ``OS_*`` auth variables; the service's URL is added as endpoint.
    auth = {'OS_AUTH_TYPE': 'none'}

    def setUp(self):
        super().setUp()
        if not os.path.exists(OPENSTACK):
            message = ('%s is missing: install test-requirements.txt'
                       % OPENSTACK)
            if os.environ.get('CI'):
                self.fail(message)
            raise testtools.TestCase.skipException(message)

    def start_service(self, command='all', **sections):
        self.start(command, **sections)
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith('OS_')}
        self.env.update(self.auth, OS_ENDPOINT=self.url,
                        HOME=self.state_path)

    def openstack(self, *args, status=0):
        """Run ``openstack asyncapi <args>``; its CompletedProcess.

        :param status: the exit status expected (None: any).
        """
        result = subprocess.run(
            [OPENSTACK, 'asyncapi'] + list(args), env=self.env,
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
            timeout=120)
        if status is not None:
            self.assertEqual(
                status, result.returncode,
                'openstack asyncapi %s\nstdout: %s\nstderr: %s'
                % (' '.join(args), result.stdout, result.stderr))
        return result

    def openstack_json(self, *args, status=0):
        return json.loads(self.openstack(*(args + ('-f', 'json')),
                                         status=status).stdout)

    def openstack_value(self, *args, status=0):
        """The ``-f value`` output's lines."""
        return self.openstack(*(args + ('-f', 'value')),
                              status=status).stdout.splitlines()
