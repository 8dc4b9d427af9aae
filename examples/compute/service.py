"""Run the compute service: ``python -m compute.service``.

``--role all`` (the default) is the embedded deployment: it upgrades the
schema, then serves the API and runs conductors in one process.
Deployed apart, ``--role upgrade`` applies the migrations once,
``--role api`` serves the API and ``--role conductor`` runs conductors
(any number of such processes, against one database and one jobboard).
"""

import signal
import socketserver
import sys
import threading
from wsgiref import simple_server

from oslo_config import cfg
from oslo_log import log

import async_api
from compute import api
from compute import conf as compute_conf
from compute import db
from compute import operations

LOG = log.getLogger(__name__)

ROLES = ('all', 'api', 'conductor', 'upgrade')


class _ThreadingServer(socketserver.ThreadingMixIn,
                       simple_server.WSGIServer):
    # One thread per request: a slow client never holds up the others.
    daemon_threads = True


def _wait_for_signal():
    """Block until SIGTERM or SIGINT."""
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass


# [start-prepare]
def prepare(argv):
    """Parse the configuration; set up logging, operations, database."""
    conf = compute_conf.CONF
    compute_conf.register_opts(conf)
    conf.register_cli_opt(cfg.StrOpt('role', default='all', choices=ROLES,
                                     help='What this process runs.'))
    log.register_options(conf)
    conf(argv, project='compute', prog='compute')
    log.setup(conf, 'compute')
    # Secrets (passwords, URL credentials) are masked in every log line.
    async_api.install_log_masking()
    operations.register()
    async_api.setup_database(conf)
    return conf


def upgrade():
    """The library's tables first, then the service's own."""
    engine = async_api.database().engine
    async_api.upgrade_schema(engine)
    db.upgrade(engine)
# [end-prepare]


# [start-main]
def main(argv=None):
    conf = prepare(sys.argv[1:] if argv is None else argv)
    if conf.role in ('all', 'upgrade'):
        upgrade()
        if conf.role == 'upgrade':
            return 0
    conductors = server = None
    if conf.role in ('all', 'conductor'):
        conductors = async_api.ConductorService(
            conf, workers=conf.async_api_conductor.workers, host=conf.host)
        conductors.start()
        print('compute conductor %s is running' % conf.host, flush=True)
    if conf.role in ('all', 'api'):
        server = simple_server.make_server(
            conf.api.host_ip, conf.api.port, api.setup_app(conf),
            server_class=_ThreadingServer)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print('compute API is serving on http://%s:%d/'
              % server.server_address, flush=True)
    _wait_for_signal()
    if server is not None:
        server.shutdown()
        server.server_close()
    if conductors is not None:
        # Flows still running stop at their next step; another conductor
        # resumes their jobs.
        conductors.stop()
    return 0
# [end-main]


if __name__ == '__main__':
    sys.exit(main())
