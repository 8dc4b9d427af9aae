"""Step event bodies: one transition of one step of a task."""

from wsme import types as wtypes

from async_api.api.types import base
from async_api.api.types import render
from async_api.common import masking


@render.planned
class Event(wtypes.Base):
    """A step event. Its traceback is kept from clients."""

    event = wtypes.text
    state = wtypes.text
    time = wtypes.datetime.datetime
    host = wtypes.text
    details = base.jsontype

    @classmethod
    def from_db_obj(cls, row):
        """The body of a ``models.TaskEvent`` row.

        ``traceback`` is for admins only, and there are none yet (noauth).
        """
        return cls(event=row.event, state=row.state,
                   time=base.utc(row.time), host=row.host,
                   details=masking.mask(row.details))
