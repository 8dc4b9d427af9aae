"""Wait for SIGTERM or SIGINT, so that commands stop cleanly."""

import signal
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
