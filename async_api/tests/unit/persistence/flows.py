"""A flow whose steps leave traces, for persistence and durability tests.

The flow factory lives at a stable import path because TaskFlow stores
its name in the flow detail and imports it again on resumption, possibly
in another process.
"""

import os
import time

from taskflow import engines
from taskflow.patterns import linear_flow
from taskflow import task

from async_api.persistence import backend as p_backend


class Step(task.Task):
    """Append this step's name to ``trace_path``, then return it.

    While ``block_path`` exists the step announces itself there and
    hangs, standing in for a step that a crash interrupts.
    """

    def execute(self, trace_path, block_path):
        if os.path.exists(block_path) and self.name == 'step3':
            with open(block_path, 'a') as block:
                block.write('blocked\n')
            time.sleep(600)
        with open(trace_path, 'a') as trace:
            trace.write(self.name + '\n')
            trace.flush()
            os.fsync(trace.fileno())
        return self.name


def make_flow():
    """Three steps in a row: step1, step2, step3."""
    return linear_flow.Flow('traced').add(
        Step('step1', provides='r1'),
        Step('step2', provides='r2'),
        Step('step3', provides='r3'))


def read_trace(trace_path):
    """The step names recorded in ``trace_path``, in order."""
    if not os.path.exists(trace_path):
        return []
    with open(trace_path) as trace:
        return trace.read().split()


def main(url, book_uuid, trace_path, block_path):
    """Run the flow in a fresh logbook ``book_uuid`` (child process)."""
    from taskflow.persistence import models as tf_models

    backend = p_backend.SQLBackend({'connection': url})
    book = tf_models.LogBook('durability', uuid=book_uuid)
    engine = engines.load_from_factory(
        make_flow, backend=backend, book=book, engine='serial',
        store={'trace_path': trace_path, 'block_path': block_path})
    engine.run()


# What a child process runs; -m would make this module __main__ and
# record '__main__.make_flow' as the factory.
CHILD = ('import sys; from async_api.tests.unit.persistence import flows; '
         'flows.main(*sys.argv[1:])')
