"""A do-nothing operation for benchmarks: ``benchmark.noop3``.

::

    noop-1 ──> noop-2 ──> noop-3

Three trivial steps in a linear flow: what is measured is the machinery
around them (accept, jobboard, claims, durable progress, task reporting),
not the steps. It is not registered through the entry point namespace, so
no service offers it; ``tools/benchmarks/end_to_end.py`` registers it in
code with :func:`async_api.operations.registry.register`. The factory keeps
a stable import path all the same, as conductors import it by name.
"""

from taskflow.patterns import linear_flow
from taskflow import task

import async_api


NOOP3 = async_api.Operation(
    name='benchmark.noop3',
    resource_type='node',
    schema={
        'type': 'object',
        'properties': {'n': {'type': 'integer'}},
        'additionalProperties': False,
    },
    flow_factory='flows.benchmark:noop3_flow',
    timeout=600.0,
)


class Noop(task.Task):
    """Returns its own name, which the engine saves as its result."""

    def execute(self):
        return self.name


def noop3_flow():
    """The flow of ``benchmark.noop3`` (stable import path)."""
    return linear_flow.Flow('benchmark-noop3').add(
        Noop('noop-1'), Noop('noop-2'), Noop('noop-3'))
