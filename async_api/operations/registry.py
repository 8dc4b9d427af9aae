"""The operation registry.

An :class:`Operation` names a unit of asynchronous work on one resource
type: the JSON schema its parameters must meet (checked in the API, so bad
input is a 400 and nothing is stored), the flow factory a conductor builds
the TaskFlow flow with, and its limits.

Operations are found through the ``async_api.operations`` entry point
namespace, so a service adds its own in its ``setup.cfg``::

    [entry_points]
    async_api.operations =
        node.set_power_state = flows.power:SET_POWER_STATE

or registers them in code with :func:`register`.
"""

import dataclasses
import threading
import typing

from stevedore import extension

from async_api.common import exception

NAMESPACE = 'async_api.operations'


@dataclasses.dataclass(frozen=True)
class Operation:
    """An operation a client may request on a resource.

    :param name: unique name, ``<resource type>.<verb>`` by convention.
    :param resource_type: the type of resource it acts on (``node``).
    :param schema: JSON schema (draft 2020-12) of the parameters.
    :param flow_factory: dotted path ``module:function`` of the function
        that builds the flow; in-flight jobs re-import it by this name, so
        it must stay stable across releases.
    :param timeout: seconds the operation may take, counted from its
        task's first start (a resumed task keeps its start). Enforced
        while a step runs: a step still running at the deadline is
        abandoned and fails with code ``operation_timeout``, and the flow
        reverts (:mod:`async_api.conductor.deadlines`).
    :param cancellable: whether a running task may be cancelled.
    :param secret_params: parameter names masked wherever a task is shown.
    :param step_timeout: seconds one step's ``execute`` (or ``revert``)
        may take, or None for no per-step limit. A step past it fails
        with code ``step_timeout``. A step may set its own with a
        ``step_timeout`` attribute (seconds, or None for none), which
        wins. A revert without a per-step limit may take ``timeout``
        seconds.
    """

    name: str
    resource_type: str
    schema: dict
    flow_factory: str
    timeout: float = 3600.0
    cancellable: bool = True
    secret_params: typing.FrozenSet[str] = frozenset()
    step_timeout: typing.Optional[float] = None


_LOCK = threading.Lock()
_OPERATIONS = {}
_LOADED = False


def register(operation):
    """Add an operation, or replace the one of the same name."""
    with _LOCK:
        _OPERATIONS[operation.name] = operation


def _load_entry_points():
    global _LOADED
    with _LOCK:
        if _LOADED:
            return
        manager = extension.ExtensionManager(
            NAMESPACE, invoke_on_load=False,
            on_load_failure_callback=_load_failed)
        for ext in manager:
            _OPERATIONS.setdefault(ext.name, ext.plugin)
        _LOADED = True


def _load_failed(manager, entrypoint, error):
    # A broken plugin must not hide the other operations; it is named in
    # the error so that the operator can find it.
    raise RuntimeError('Operation %s could not be loaded: %s'
                       % (entrypoint, error))


def get(name):
    """The operation called ``name``; OperationNotFound if there is none."""
    _load_entry_points()
    try:
        return _OPERATIONS[name]
    except KeyError:
        raise exception.OperationNotFound(
            'Operation %s is not registered' % name)


def all_operations():
    """Every registered operation, by name."""
    _load_entry_points()
    return dict(_OPERATIONS)
