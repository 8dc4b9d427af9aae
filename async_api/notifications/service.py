"""Turn notifications on for a process, and off.

:func:`setup` is called by the library's long-running parts with their
configuration: the conductor service (which also sends) and the API's
middleware stack (which only records: the accept and the cancel of a
waiting task are written there, and the conductors send them). With the
``noop`` driver, or none, it does nothing: no row is ever written and no
thread started.
"""

import os
import socket
import threading

from oslo_config import cfg
from oslo_log import log
from oslo_utils import uuidutils

from async_api.db import outbox

LOG = log.getLogger(__name__)

#: oslo.messaging's option group of notifications.
GROUP = 'oslo_messaging_notifications'

#: Prefix of the publisher id of the processes that set up without one.
DEFAULT_SERVICE = 'async-api'

_lock = threading.Lock()
_sender = None
# How many setup(send=True) calls are not yet matched by stop_sending():
# several conductor services may share a process (tests, embedding).
_senders = 0


def register_opts(conf):
    """Register oslo.messaging's ``[oslo_messaging_notifications]``."""
    # Imported on first use, not with the library: it takes a while.
    from oslo_messaging import opts
    for group, group_opts in opts.list_opts():
        if group == GROUP:
            conf.register_opts(group_opts, group=GROUP)


def _drivers(conf):
    """The configured notification drivers, ``noop`` left out."""
    register_opts(conf)
    return [d for d in conf[GROUP].driver if d != 'noop']


def _host(conf):
    """``[DEFAULT]host`` where the service has one, else the machine's."""
    try:
        return conf.host or socket.gethostname()
    except cfg.NoSuchOptError:
        return socket.gethostname()


def enabled(conf):
    """Whether ``conf`` asks for notifications at all."""
    return bool(_drivers(conf))


def setup(conf, host=None, service=DEFAULT_SERVICE, send=False):
    """Record (and with ``send``, send) notifications in this process.

    :param conf: a ``ConfigOpts`` with the library's options.
    :param host: this host's name, in the publisher id
        (``<service>.<host>``); default the machine's host name.
    :param service: the publisher id's first part.
    :param send: also run this process's sender thread.
    :returns: True when notifications are on.
    """
    global _sender, _senders
    if not enabled(conf):
        return False
    from async_api.notifications import payloads
    host = host or _host(conf)
    if send or not outbox.enabled():
        # In a process that runs both, the conductor's name is the one
        # its notifications carry.
        build = payloads.builder('%s.%s' % (service, host))

        def build_and_wake(task, transitions):
            rows = build(task, transitions)
            wake()
            return rows
        outbox.enable(build_and_wake)
    if not send:
        return True
    with _lock:
        _senders += 1
        if _sender is None:
            from async_api.notifications import publisher
            from async_api.notifications import sender
            owner = '%s-%d-%s' % (host, os.getpid(),
                                  uuidutils.generate_uuid(dashed=False)[:8])
            _sender = sender.Sender(
                conf, publisher.Publisher(conf, _drivers(conf)), owner)
            _sender.start()
            LOG.info('Sending notifications with %s',
                     ', '.join(_drivers(conf)))
    return True


def wake():
    """Tell this process's sender that rows were just committed."""
    current = _sender
    if current is not None:
        current.wake()


def stop_sending(timeout=None, force=False):
    """Undo one ``setup(send=True)``; the last stops the sender.

    The sender stops after its current send; what it had not sent stays
    in the database for the next sender.
    """
    global _sender, _senders
    with _lock:
        _senders = 0 if force else max(0, _senders - 1)
        if _senders:
            return
        current, _sender = _sender, None
    if current is not None:
        current.stop(timeout)


def shutdown(timeout=None):
    """Stop this process's sender and record nothing more."""
    stop_sending(timeout, force=True)
    outbox.disable()
