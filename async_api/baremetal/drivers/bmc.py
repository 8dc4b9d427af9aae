"""Talking to fragile BMCs: a per-BMC concurrency limit and a deadline.

Every call a hardware driver makes goes through :func:`call`:

* It takes one of ``[hardware]max_concurrent_per_bmc`` slots of the BMC's
  address (one semaphore per address per process), so many tasks and
  sweeps at once cannot flood one BMC; waiting for a slot counts against
  the deadline and ends in :class:`~.base.BMCBusy`.
* It runs the call on a small pool and waits at most
  ``[hardware]bmc_timeout`` seconds (:class:`~.base.BMCTimeout`): client
  libraries have their own, longer and fixed, timeouts. The slot is held
  until the call really ends, not just until the caller gave up, so an
  abandoned call still counts against the BMC's limit. The pool's
  threads never hold up the process's exit: nobody waits for an
  abandoned call, and one that never returns would otherwise keep a
  stopped conductor (or a test run) alive for good.

Retries are not done here but by the flows' steps
(:func:`flows.common.bmc_retrying`), so that each retry is a recorded
task event.
"""

import collections
import concurrent.futures
import queue
import threading

from async_api.baremetal import conf as async_conf
from async_api.baremetal.drivers import base

_LOCK = threading.Lock()
_SLOTS = {}
_EXECUTOR = None
# Enough threads for every slot of a few BMCs at once; calls past it wait
# in the pool's queue, still bounded by their deadline.
_POOL_SIZE = 32


def _semaphore(address, size):
    with _LOCK:
        entry = _SLOTS.get(address)
        if entry is None or entry[0] != size:
            entry = (size, threading.BoundedSemaphore(size))
            _SLOTS[address] = entry
        return entry[1]


class _DaemonPool:
    """Up to ``size`` daemon threads running submitted calls.

    concurrent.futures' pool joins its threads when the interpreter
    exits, so a call stuck in a client library would block the exit.
    """

    def __init__(self, size, name):
        self._size = size
        self._name = name
        self._work = queue.SimpleQueue()
        self._idle = threading.Semaphore(0)
        self._threads = []
        self._lock = threading.Lock()

    def submit(self, function, *args, **kwargs):
        future = concurrent.futures.Future()
        self._work.put((future, function, args, kwargs))
        if not self._idle.acquire(blocking=False):
            with self._lock:
                if len(self._threads) < self._size:
                    thread = threading.Thread(
                        target=self._serve, daemon=True,
                        name='%s_%d' % (self._name, len(self._threads)))
                    thread.start()
                    self._threads.append(thread)
        return future

    def _serve(self):
        while True:
            future, function, args, kwargs = self._work.get()
            if future.set_running_or_notify_cancel():
                try:
                    result = function(*args, **kwargs)
                except BaseException as e:
                    future.set_exception(e)
                else:
                    future.set_result(result)
            # Hold no references while idle.
            del future, function, args, kwargs
            self._idle.release()


def _executor():
    global _EXECUTOR
    with _LOCK:
        if _EXECUTOR is None:
            _EXECUTOR = _DaemonPool(_POOL_SIZE, 'async-api-bmc')
        return _EXECUTOR


def in_use():
    """Slots in use, by BMC address (for tests and debugging)."""
    with _LOCK:
        entries = dict(_SLOTS)
    return collections.Counter({
        address: size - sem._value
        for address, (size, sem) in entries.items()})


def call(address, what, function, *args, **kwargs):
    """``function(*args, **kwargs)`` within the BMC's limit and deadline.

    :param address: the BMC's address (host or host:port), the key of its
        concurrency limit.
    :param what: a short description for error messages (never secrets).
    :raises BMCBusy: no slot came free within the deadline.
    :raises BMCTimeout: the call did not end within the deadline.
    """
    conf = async_conf.CONF.hardware
    timeout = conf.bmc_timeout
    semaphore = _semaphore(address, conf.max_concurrent_per_bmc)
    if not semaphore.acquire(timeout=timeout):
        raise base.BMCBusy('BMC %s is busy: no free slot for %s within '
                           '%.1f s' % (address, what, timeout))
    try:
        future = _executor().submit(function, *args, **kwargs)
    except BaseException:
        semaphore.release()
        raise
    future.add_done_callback(lambda _f: semaphore.release())
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise base.BMCTimeout('BMC %s did not answer %s within %.1f s'
                              % (address, what, timeout))
