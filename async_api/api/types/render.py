"""Bodies rendered to JSON by a plan made once per class.

WSME renders a body through a generic function that dispatches on the
type of every attribute, of every item of every list and of every key
and value of every dict (``simplegeneric``): about 20 dispatches for
one task, and a fifth of the CPU of listing tasks (``GET /v1/tasks`` of
400 tasks, in process: 35-37 ms, 26-29 with a plan). A class decorated
with :func:`planned` (``async_api.api_types.planned`` for a service's
own bodies) is rendered from a plan made on its first rendering:
per attribute, its public name, its key and the function that renders
its value, found once from its type. The JSON is the same as WSME's
(``test_render`` compares them); a type the plan does not know is left
to WSME's own function.
"""

import datetime

from wsme.rest import json as wsme_json
from wsme import types as wtypes


def _as_is(value):
    return value


def _datetime(value):
    return None if value is None else value.isoformat()


def _is_plain_user_type(datatype):
    # A user type whose base is text and that keeps values as they are
    # (the free-form JSON of api_types.jsontype): WSME renders the value.
    return (isinstance(datatype, wtypes.UserType)
            and datatype.basetype is wtypes.text
            and type(datatype).tobasetype is wtypes.UserType.tobasetype)


def _renderer(datatype):
    """A function rendering values of ``datatype`` as WSME would."""
    # Types WSME renders as the value itself (bytes it decodes).
    if datatype in (wtypes.text, int, bool, float) or _is_plain_user_type(
            datatype):
        return _as_is
    if datatype is datetime.datetime:
        return _datetime
    if isinstance(datatype, wtypes.ArrayType):
        item = _renderer(datatype.item_type)

        def array(value):
            return None if value is None else [item(v) for v in value]
        return array
    if isinstance(datatype, wtypes.DictType):
        key = _renderer(datatype.key_type)
        item = _renderer(datatype.value_type)
        if key is _as_is and item is _as_is:
            def plain_dict(value):
                return None if value is None else dict(value)
            return plain_dict

        def mapping(value):
            if value is None:
                return None
            return {key(k): item(v) for k, v in value.items()}
        return mapping

    # A body (planned or not) or a type of WSME's own: its registration.
    def other(value):
        return wsme_json.tojson(datatype, value)
    return other


def _plan(cls):
    return tuple((attr.name, attr.key, attr.default,
                  _renderer(attr.datatype))
                 for attr in wtypes.list_attributes(cls))


def planned(cls):
    """Class decorator: render ``cls`` bodies from a plan made once."""
    made = []

    @wsme_json.tojson.when_object(cls)
    def tojson(datatype, value):
        if value is None:
            return None
        if not made:
            # Attribute types are resolved once the class is complete,
            # so the plan is made on first use. Two threads may both make
            # it: the same plan.
            made.append(_plan(cls))
        holder = getattr(value, '_wsme_dataholder', None)
        rendered = {}
        for name, key, default, render in made[0]:
            found = default if holder is None else getattr(holder, key,
                                                           default)
            if found is not wtypes.Unset:
                rendered[name] = render(found)
        return rendered

    return cls
