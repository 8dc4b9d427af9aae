"""Run async_api commands as real processes, and speak HTTP to them."""

import os
import signal
import socket
import subprocess
import sys
import time

import bcrypt
import fixtures
import requests


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def write_config(path, sections):
    """Write an ini file from ``{section: {key: value}}``."""
    with open(path, 'w') as f:
        for section, values in sections.items():
            f.write('[%s]\n' % section)
            for key, value in values.items():
                f.write('%s = %s\n' % (key, value))
            f.write('\n')
    return path


def write_htpasswd(path, users):
    """Write an htpasswd file of bcrypt hashes from ``{user: password}``.

    What ``htpasswd -B`` writes, with the fewest rounds bcrypt allows: the
    tests check hashes, not their cost.
    """
    with open(path, 'w') as f:
        for user, password in users.items():
            hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4))
            f.write('%s:%s\n' % (user, hashed.decode()))
    return path


class ServiceProcess(fixtures.Fixture):
    """One async_api command (``all``, ``api`` or ``conductor``) running.

    :param command: the console script's suffix: ``all``, ``api``,
        ``conductor``.
    :param config_file: the configuration it reads.
    :param port: the API port, when the command serves the API.
    :param env: the process's environment (default: this one's).
    :param exit_before_post: a file; once it exists, the process's next
        post of a job ends it instead (see :mod:`.exit_before_post`).
    """

    def __init__(self, command, config_file, port=None, name=None,
                 env=None, exit_before_post=None):
        super().__init__()
        self.env = env
        self.exit_before_post = exit_before_post
        self.command = command
        self.config_file = config_file
        self.port = port
        self.name = name or command
        self.url = 'http://127.0.0.1:%d' % port if port else None

    #: What answers 200 once the API is ready.
    READY_PATH = '/healthcheck'

    def command_line(self):
        """The process's argv (the bare-metal service's commands)."""
        module = 'async_api.baremetal.command.%s' % self.command
        argv = [sys.executable, '-m', module]
        if self.exit_before_post:
            argv[2:] = ['async_api.tests.functional.exit_before_post',
                        self.exit_before_post, module]
        return argv + ['--config-file', self.config_file,
                       '--log-file', self.log_path + '.oslo']

    def _setUp(self):
        log_dir = os.path.dirname(self.config_file)
        self.log_path = os.path.join(log_dir, '%s.log' % self.name)
        self._log = open(self.log_path, 'wb')
        self.addCleanup(self._log.close)
        self.process = subprocess.Popen(
            self.command_line(),
            stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True, env=self.env)
        self.addCleanup(self.stop)
        if self.url:
            self._wait_ready()

    def _wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError('%s exited with %s; log:\n%s' % (
                    self.name, self.process.returncode, self.read_log()))
            try:
                if requests.get(self.url + self.READY_PATH,
                                timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                # Not listening yet, or listening before it can answer
                # (a server whose workers are still starting).
                pass
            time.sleep(0.1)
        raise RuntimeError('%s did not answer within %ss; log:\n%s'
                           % (self.name, timeout, self.read_log()))

    def read_log(self):
        text = ''
        for path in (self.log_path, self.log_path + '.oslo'):
            if os.path.exists(path):
                with open(path, errors='replace') as f:
                    text += f.read()
        return text

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.process.poll() is not None:
            return self.process.returncode
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def kill(self):
        """SIGKILL: the process gets no chance to clean up."""
        return self.stop(signal.SIGKILL)
