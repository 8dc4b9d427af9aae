"""Keep what a service made while starting out of the collector's way.

A conductor's runs leave objects in reference cycles as they go (the
graphs of each TaskFlow compilation, the frames of caught exceptions,
WebOb's requests), so Python's cyclic garbage collector runs all the
time, and each of its passes over the older generations walks every
object the process holds: some 170,000 made while the service started
(modules, configuration, routes, schemas), none of them ever garbage.

:func:`freeze_heap`, called once the service is built and before its
threads start, collects what the start left as garbage and moves
everything else to the collector's permanent generation
(:func:`gc.freeze`): still freed by reference counting, no longer walked.
In ``async-api-all``, 300 power tasks: the collector took 2.5 ms of CPU a
task before, 1.0-1.1 after (doc/source/admin/benchmarks.rst, "An
eleventh round").
"""

import gc


def freeze_heap():
    """Collect, then freeze every object the process holds now.

    For a service's command, once everything is built and before its
    threads start: an object frozen while a request or a run holds it
    is never collected if it ends in a reference cycle. Returns how many
    objects are frozen.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
