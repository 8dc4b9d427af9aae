"""Wait for SIGTERM or SIGINT, so that commands stop cleanly."""

import logging
import os
import signal
import sys
import threading


def wait_for_stop():
    """Block until the process is asked to stop; returns the signal."""
    stop = threading.Event()
    received = []

    def handler(signum, _frame):
        received.append(signum)
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, handler)
    while not stop.wait(1.0):
        pass
    return received[0]


def exit_now(code=0):
    """End the process at once, whatever its other threads are doing.

    For a conductor whose stop left a worker behind (a step or a call
    that never returns): its jobs are released already, and the
    interpreter's normal exit would wait for thread pools to wind down.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
