"""``GET /healthcheck``: oslo.middleware's Healthcheck with a probe of ours.

A load balancer must stop sending requests to a service that cannot
accept them. Reading the database is not enough (reads go on while a
full disk, a read-only remount or a replica promoted away refuses every
write, and every accept would then be a 503), so :class:`StorageCheck`
commits one write and asks the jobboard for its size. The probe has a
short timeout, runs one at a time, and its result is reused for
``[async_api_api]healthcheck_cache`` seconds: a load balancer polling
every second from several places costs the database one small write
every few seconds.

It is the ``async_api`` backend of oslo.middleware's
``oslo.middleware.healthcheck`` entry points, the default of
``[healthcheck]backends`` in a service wrapped by
:func:`async_api.api.app.wrap`.
"""

import threading
import time

from oslo_log import log
from oslo_middleware import healthcheck
from oslo_middleware.healthcheck import opts as healthcheck_opts
from oslo_middleware.healthcheck import pluginbase
import sqlalchemy as sa

from async_api.api import errors
from async_api.common import exception
from async_api.db import engine as db_engine
from async_api.db import migration
from async_api.jobboard import factory as jobboard_factory

LOG = log.getLogger(__name__)

PATH = '/healthcheck'
BACKEND = 'async_api'

# A real write that changes nothing: the version table always holds one
# row, and rewriting it dirties a page, so a database that cannot write
# (read-only file, full disk, read-only transaction) refuses it.
_WRITE = sa.text('UPDATE %s SET version_num = version_num'
                 % migration.VERSION_TABLE)


class StorageCheck(pluginbase.HealthcheckBaseExtension):
    """Unhealthy while the database refuses writes or the jobboard is
    unreachable."""

    def __init__(self, oslo_conf, conf):
        super().__init__(oslo_conf, conf)
        self._lock = threading.Lock()
        self._running = None
        self._result = None
        self._checked_at = None

    def healthcheck(self, server_port):
        api = self.oslo_conf.async_api_api
        with self._lock:
            now = time.monotonic()
            if (self._checked_at is not None
                    and now - self._checked_at < api.healthcheck_cache):
                return self._result
            # One probe at a time: a probe stuck on a hung server must
            # not take a new thread for each poll.
            if self._running is None or self._running[0].is_set():
                self._running = self._start_probe()
            done, outcome = self._running
            if not done.wait(api.healthcheck_timeout):
                result = self._failed('the database or the jobboard did '
                                      'not answer within %.1f s'
                                      % api.healthcheck_timeout)
            elif outcome:
                error = outcome[0]
                result = self._failed('%s: %s' % (type(error).__name__,
                                                  error))
            else:
                result = pluginbase.HealthcheckResult(
                    available=True, reason='OK')
            self._result, self._checked_at = result, time.monotonic()
            return result

    def _start_probe(self):
        done = threading.Event()
        outcome = []

        def run():
            try:
                self._probe()
            except Exception as e:
                outcome.append(e)
            finally:
                done.set()
        # A daemon thread: a probe hung on a dead server must not keep
        # the process from exiting.
        threading.Thread(target=run, name='healthcheck',
                         daemon=True).start()
        return done, outcome

    @staticmethod
    def _failed(reason):
        LOG.warning('Healthcheck failed: %s', reason)
        return pluginbase.HealthcheckResult(available=False, reason=reason)

    def _probe(self):
        with db_engine.from_conf(self.oslo_conf).writer.using() as session:
            session.execute(_WRITE)
        board = jobboard_factory.board(self.oslo_conf)
        if not board.connected:
            raise ConnectionError('the jobboard is not connected')
        board.job_count  # noqa: B018 - a round trip to the board's server


def register_opts(conf):
    """oslo.middleware's ``[healthcheck]`` options, with ours as the
    default backend."""
    conf.register_opts(healthcheck_opts.HEALTHCHECK_OPTS,
                       group='healthcheck')
    conf.set_default('backends', [BACKEND], group='healthcheck')


_UNHEALTHY = ('The database refuses writes or the jobboard cannot be '
              'reached; the reason is in the service\'s log.')


class HealthcheckMount:
    """Answer :data:`PATH` with oslo.middleware's Healthcheck, and send
    every other path on to ``app``.

    Inside :class:`~async_api.api.errors.ErrorMiddleware`: a 503 is the
    API-SIG error of any other outage, with ``Retry-After``, and says no
    more than that (the probe's reason may hold a server's address).
    """

    def __init__(self, app, conf):
        register_opts(conf)
        self.app = app
        self.healthcheck = healthcheck.Healthcheck(None, conf)

    def __call__(self, environ, start_response):
        if environ.get('PATH_INFO') != PATH:
            return self.app(environ, start_response)

        def answer(status, headers, exc_info=None):
            if status.startswith('503'):
                errors.remember(environ,
                                exception.ServiceUnavailable(_UNHEALTHY))
            return start_response(status, headers, exc_info)
        return self.healthcheck(environ, answer)
