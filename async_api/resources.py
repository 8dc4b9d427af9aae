"""Resource types: what the library needs to know about a service's
resources, registered by the service that owns them.

The library runs operations on resources it knows only by type and UUID.
A few things depend on the resource itself, and only its service knows
them; it says so once per resource type with :func:`register`::

    resources.register(resources.ResourceType(
        'volume', mark_error=mark_volume_error))

``mark_error(resource_uuid, message)``
    Called when a task's revert itself failed (the task ends ``error``):
    the resource is left in an unknown state and needs an operator. It is
    called before the task's terminal state is written, so whoever sees
    the task's ``error`` finds the resource marked. Without it, the
    conductor only logs the fact.
``lanes(resource_uuid, params)``
    The UUIDs of other resources an operation on this resource works on
    (besides its own): the task holds each one's lane too (see
    doc/source/user/ordering.rst). A caller of
    :func:`async_api.tasks.submit.submit` that passes ``resources`` says
    it explicitly instead.
"""

import dataclasses
import threading
import typing

_LOCK = threading.Lock()
_TYPES = {}


@dataclasses.dataclass(frozen=True)
class ResourceType:
    """The hooks of one resource type (see the module's docstring)."""

    name: str
    mark_error: typing.Optional[typing.Callable[[str, str], None]] = None
    lanes: typing.Optional[
        typing.Callable[[str, dict], typing.Sequence[str]]] = None


def register(resource_type):
    """Add a resource type's hooks, or replace those of the same name."""
    with _LOCK:
        _TYPES[resource_type.name] = resource_type


def unregister(name):
    """Forget a resource type's hooks (tests, services shutting down)."""
    with _LOCK:
        _TYPES.pop(name, None)


def get(name):
    """The hooks of resource type ``name``, or None if none were given."""
    with _LOCK:
        return _TYPES.get(name)
