"""The private names of other libraries that async_api relies on.

The conductor overrides private methods of TaskFlow's conductors
(async_api/conductor/service.py, claims.py) and reads their private
attributes; the Redis and etcd boards (async_api/jobboard/redis_board.py,
etcd_board.py) and the SQL board and job extend TaskFlow's private ones;
async_api/db/direct.py calls SQLAlchemy's ``Connection._cursor_execute``;
the notification sender sends through oslo.messaging's
``Transport._send_notification`` (its drivers swallow send failures);
the ipmi driver rebinds two module globals of pyghmi's private session
module; the BMC slots read a semaphore's counter;
async_api/baremetal/wsgi_server.py swaps waitress's error task for one
that answers JSON, through class attributes of its channel and server.
async_api/api/argspec_cache.py rebinds ``getargspec`` in Pecan's modules
and ``getfullargspec`` in oslo.middleware's base module;
async_api/api/pecan_routes.py rebinds Pecan's custom-route detection and
reads its record of the controller classes it has seen.
async_api/conductor/engines.py and deadlines.py give TaskFlow's action
engines their own task executor, validation flag check, storage lock and
storage saves.
The release notes' Sphinx configuration (releasenotes/source/conf.py)
wraps reno's private change aggregator to read one merge reno refuses.
async_api/api/types/base.py builds WSME bodies by filling their private
data holder, and async_api/api/types/render.py reads it.
None of these is part of a library's API, so an upgrade may drop or
change one silently (TaskFlow would then call an override with other
arguments, or never call it).
These tests fail naming the name. requirements.txt bounds TaskFlow and
SQLAlchemy to the major versions checked here.
"""

import inspect
import threading

from oslo_messaging import transport as messaging_transport
from pyghmi.ipmi.private import session as ipmi_session
from sqlalchemy.engine import base as sa_engine
from taskflow.conductors.backends import impl_blocking
from taskflow.conductors.backends import impl_executor
from taskflow.conductors import base as conductor_base
from taskflow.engines.action_engine import engine as action_engine
from taskflow.jobs.backends import impl_etcd
from taskflow.jobs.backends import impl_redis
from taskflow.jobs import base as jobs_base
from taskflow.listeners import base as listener_base
from taskflow.persistence import base as persistence_base
from taskflow import storage
import testtools
from waitress import channel as waitress_channel
from waitress import server as waitress_server
from waitress import task as waitress_task

_MISSING = object()


def _label(owner, name):
    if inspect.ismodule(owner):
        return '%s.%s' % (owner.__name__, name)
    cls = owner if inspect.isclass(owner) else type(owner)
    return '%s.%s.%s' % (cls.__module__, cls.__qualname__, name)


class TestPrivateNames(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.problems = []
        self.addCleanup(self._report)

    def _report(self):
        if self.problems:
            self.fail('Private names async_api relies on changed:\n  '
                      + '\n  '.join(self.problems))

    def method(self, owner, name, params, exact=False):
        """``owner.name`` exists and takes ``params`` (after self/cls).

        :param exact: async_api overrides it, so the library calls ours
            with exactly these; otherwise async_api calls it with these
            first, positionally, and any further ones must be optional.
        """
        label = _label(owner, name)
        function = getattr(owner, name, _MISSING)
        if function is _MISSING or not callable(function):
            self.problems.append('%s: gone' % label)
            return
        found = list(inspect.signature(function).parameters.values())
        if found and found[0].name in ('self', 'cls') and not (
                inspect.ismethod(function)):
            found = found[1:]
        names = [p.name for p in found]
        rest = found[len(params):]
        if (names[:len(params)] != list(params)
                or (exact and rest)
                or any(p.default is p.empty and p.kind not in (
                    p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in rest)):
            self.problems.append('%s: takes (%s), async_api expects (%s%s)'
                                 % (label, ', '.join(names),
                                    ', '.join(params),
                                    '' if exact else ', ...'))

    def set_in_init(self, cls, *attributes):
        """Instances of ``cls`` get ``attributes`` from its __init__s."""
        names = set()
        for klass in cls.__mro__:
            init = klass.__dict__.get('__init__')
            if init is not None and hasattr(init, '__code__'):
                names.update(init.__code__.co_names)
        for attribute in attributes:
            if attribute not in names:
                self.problems.append('%s: no longer set by __init__'
                                     % _label(cls, attribute))

    def attribute(self, owner, *names):
        for name in names:
            if not hasattr(owner, name):
                self.problems.append('%s: gone' % _label(owner, name))

    def test_taskflow_conductor(self):
        # Overridden by async_api.conductor (TaskFlow calls ours).
        executor = impl_executor.ExecutorConductor
        self.method(executor, '_run_until_dead',
                    ('executor', 'max_dispatches'), exact=True)
        self.method(executor, '_dispatch_job', ('job',), exact=True)
        self.method(executor, '_listeners_from_job', ('job', 'engine'),
                    exact=True)
        self.method(conductor_base.Conductor, '_engine_from_job', ('job',),
                    exact=True)
        # Called by async_api.conductor.
        self.method(conductor_base.Conductor, '_flow_detail_from_job',
                    ('job',))
        self.method(executor, '_try_finish_job', ('job', 'consume'))
        self.method(executor, '_on_job_done', ('job', 'fut'))
        self.attribute(executor, 'REFRESH_PERIODICITY')
        self.set_in_init(impl_blocking.BlockingConductor, '_name',
                         '_jobboard', '_engine', '_engine_options',
                         '_persistence', '_wait_timeout', '_dispatched',
                         '_notifier')

    def test_taskflow_boards_and_jobs(self):
        # async_api.jobboard.redis_board
        self.method(impl_redis.RedisJobBoard, '_make_client', ('conf',),
                    exact=True)
        # async_api.jobboard.etcd_board
        board = impl_etcd.EtcdJobBoard
        self.method(board, '_fetch_jobs', ('only_unclaimed', 'ensure_fresh'),
                    exact=True)
        self.method(board, '_board_removal_func', ('job',))
        self.attribute(board, 'ETCD_CONFIG_OPTIONS', 'INIT_STATE',
                       'CONNECTED_STATE')
        self.set_in_init(board, '_client', '_state', '_conf', '_job_cond',
                         '_job_cache', '_open_close_lock')
        self.set_in_init(impl_etcd.EtcdJob, '_lease')
        self.method(jobs_base, 'JobBoardIterator',
                    ('board', 'logger', 'board_fetch_func',
                     'board_removal_func'))
        # async_api.jobboard.board and job: the SQL board and its listing.
        self.set_in_init(jobs_base.JobBoard, '_conf')
        self.set_in_init(jobs_base.Job, '_board')
        self.set_in_init(jobs_base.JobBoardIterator, '_jobs')
        self.method(jobs_base.JobBoardIterator, '_next_job', (), exact=True)

    def test_taskflow_listener_and_persistence(self):
        # async_api.conductor.listeners and async_api.persistence.backend
        self.set_in_init(listener_base.Listener, '_engine')
        self.set_in_init(persistence_base.Backend, '_conf')

    def test_taskflow_engines(self):
        # async_api.conductor.engines and deadlines.load_engine.
        self.set_in_init(action_engine.ActionEngine, '_validated')
        self.set_in_init(action_engine.SerialActionEngine, '_task_executor')
        self.set_in_init(action_engine.ParallelActionEngine,
                         '_task_executor')
        self.set_in_init(storage.Storage, '_lock')
        # Overridden by engines._Storage, which also calls them unwrapped.
        for name, params in (
                ('_save_flow_detail',
                 ('conn', 'original_flow_detail', 'flow_detail')),
                ('_save_atom_detail',
                 ('conn', 'original_atom_detail', 'atom_detail'))):
            self.method(storage.Storage, name, params, exact=True)
            self.attribute(getattr(storage.Storage, name), '__wrapped__')

    def test_sqlalchemy(self):
        # async_api.db.direct runs compiled statements on a cursor.
        self.method(sa_engine.Connection, '_cursor_execute',
                    ('cursor', 'statement', 'parameters'))

    def test_pyghmi(self):
        # async_api.baremetal.drivers.ipmi makes both names one lock; that
        # works only while pyghmi reads them as globals at each use.
        self.attribute(ipmi_session, 'WAITING_SESSIONS',
                       'KEEPALIVE_SESSIONS')
        for method, names in (
                ('_xmit_packet', ('WAITING_SESSIONS',)),
                ('send_payload', ('KEEPALIVE_SESSIONS',)),
                ('wait_for_rsp', ('WAITING_SESSIONS',
                                  'KEEPALIVE_SESSIONS'))):
            function = getattr(ipmi_session.Session, method, None)
            used = function.__code__.co_names if function else ()
            for name in names:
                if name not in used:
                    self.problems.append(
                        'pyghmi.ipmi.private.session.Session.%s: no longer '
                        'reads %s' % (method, name))

    def test_oslo_messaging(self):
        # async_api.notifications.publisher sends as the messaging
        # drivers do, but learns of a failure.
        self.method(messaging_transport.Transport, '_send_notification',
                    ('target', 'ctxt', 'message', 'version'))

    def test_semaphore_counter(self):
        # async_api.baremetal.drivers.bmc.in_use counts the free slots.
        self.attribute(threading.BoundedSemaphore(2), '_value')

    def test_waitress(self):
        # async_api.baremetal.wsgi_server: JSON errors and shutdown.
        self.attribute(waitress_channel.HTTPChannel, 'error_task_class')
        self.attribute(waitress_server.TcpWSGIServer, 'channel_class')
        self.set_in_init(waitress_server.TcpWSGIServer, 'effective_port',
                         'effective_host')
        self.method(waitress_server.TcpWSGIServer, '__init__',
                    ('application', 'map', '_start', '_sock', 'dispatcher',
                     'adj', 'sockinfo', 'bind_socket'))
        self.method(waitress_task.ErrorTask, 'execute', (), exact=True)
        self.attribute(waitress_task.ErrorTask, 'set_close_on_finish',
                       'write')
        self.set_in_init(waitress_task.Task, 'request', 'response_headers')

    def test_pecan_getargspec(self):
        # async_api.api.argspec_cache rebinds it where Pecan calls it.
        from async_api.api import argspec_cache
        for module in argspec_cache.MODULES:
            self.attribute(module, 'getargspec')
        self.attribute(argspec_cache._original, '__call__')

    def test_pecan_custom_route_detection(self):
        # async_api.api.pecan_routes rebinds it where Pecan's router calls
        # it, and reads the set of classes it has checked.
        from pecan import routing
        self.attribute(routing, '_detect_custom_path_segments')
        self.attribute(routing, '__observed_controllers__')
        if hasattr(routing, '_detect_custom_path_segments'):
            self.method(routing, '_detect_custom_path_segments', ('obj',),
                        exact=True)

    def test_reno_change_aggregator(self):
        # releasenotes/source/conf.py wraps it, and reads the change
        # types of dulwich's tree diffs.
        from dulwich import diff_tree
        from reno import scanner
        self.attribute(scanner, '_ChangeAggregator')
        if hasattr(scanner, '_ChangeAggregator'):
            self.method(scanner._ChangeAggregator, 'aggregate_changes',
                        ('walk_entry', 'changes'), exact=True)
        self.attribute(diff_tree, 'CHANGE_ADD')

    def test_oslo_middleware_getfullargspec(self):
        # async_api.api.argspec_cache rebinds it where oslo.middleware
        # calls it.
        from async_api.api import argspec_cache
        for module in argspec_cache.FULL_MODULES:
            self.attribute(module, 'getfullargspec')

    def test_wsme_dataholder(self):
        # async_api.api.types.base.trusted fills WSME's holder directly;
        # async_api.api.types.render reads it.
        from wsme import types as wtypes

        from async_api.api.types import base as types_base
        self.attribute(types_base.Link, '_wsme_DataHolderClass')
        link = types_base.Link(href='h', rel='r')
        self.attribute(link, '_wsme_dataholder')
        holder = getattr(link, '_wsme_dataholder', None)
        if holder is not None and getattr(holder, 'href', None) != 'h':
            self.problems.append('wsme.types.wsattr: no longer keeps '
                                 'values on the holder under their key')
        self.attribute(wtypes.wsattr, '_get_dataholder')
