"""Paginated collections: a page of items and the link to the next one."""

from wsme import types as wtypes

from async_api.api.types import event
from async_api.api.types import render
from async_api.api.types import task


class Collection(wtypes.Base):
    """Base of every collection; ``next`` is absent on the last page."""

    next = wtypes.text


@render.planned
class TaskCollection(Collection):
    """``{"tasks": [...], "next": ...}``."""

    tasks = [task.Task]


@render.planned
class EventCollection(wtypes.Base):
    """``{"events": [...]}``: every step event of one task, oldest first."""

    events = [event.Event]
