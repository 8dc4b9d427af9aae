"""Types shared by every body: free-form JSON, links, timestamps."""

import datetime
import json

from wsme.rest import json as wsme_json
from wsme import types as wtypes

from async_api.api.types import render


def json_object(cls):
    """Class decorator for request bodies: only a JSON object is valid.

    WSME reads a complex type's fields with ``value.keys()``, so a list or
    a string where an object belongs would be a 500 without this. WSME
    refuses a mandatory field that is missing but takes one sent as
    ``null``, which would reach the database's NOT NULL as a 500: a null
    mandatory field is refused here the same way.
    """
    @wsme_json.fromjson.when_object(cls)
    def fromjson(datatype, value):
        if value is not None and not isinstance(value, dict):
            # WSME answers ValueError with a 400 naming the argument.
            raise ValueError('a JSON object is expected, not %r' % (value,))
        if value is not None:
            for attr in wtypes.list_attributes(datatype):
                if attr.mandatory and attr.name in value and (
                        value[attr.name] is None):
                    raise ValueError('%s is mandatory and must not be null'
                                     % attr.name)
        return wsme_json.fromjson.default(datatype, value)

    return cls


class JsonType(wtypes.UserType):
    """Any JSON value (object, array, string, number, boolean or null)."""

    basetype = wtypes.text
    name = 'json'

    def validate(self, value):
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            # WSME answers ValueError with a 400 naming the field.
            raise ValueError('%r is not a JSON value' % (value,))
        return value

    def frombasetype(self, value):
        return self.validate(value)


jsontype = JsonType()

# A JSON object with string keys, as stored in driver_info, extra, params.
jsondict = {wtypes.text: jsontype}


#: Class decorator: a body rendered to JSON by a plan made once
#: (:mod:`async_api.api.types.render`).
planned = render.planned


def trusted(cls, **values):
    """A ``cls`` body holding ``values`` as they are, unchecked.

    For values read from the database or built here, already of their
    attributes' types. WSME's constructor checks each one through its
    attribute (``validate_value``; a JSON field is serialized once just
    to be checked), which was half of the CPU of listing tasks. WSME
    keeps an instance's values on a holder of its class's
    ``_wsme_DataHolderClass``, under each attribute's key; the private
    names are checked in ``test_private_apis``. An unknown key raises
    AttributeError.
    """
    body = cls.__new__(cls)
    holder = cls._wsme_DataHolderClass()
    for key, value in values.items():
        setattr(holder, key, value)
    body._wsme_dataholder = holder
    return body


@render.planned
class Link(wtypes.Base):
    """A hyperlink to a resource."""

    href = wtypes.text
    rel = wtypes.text

    @classmethod
    def from_dict(cls, link):
        return trusted(cls, href=link['href'], rel=link['rel'])


def links(dicts):
    """``Link`` objects from ``{"href", "rel"}`` dicts."""
    return [Link.from_dict(link) for link in dicts]


def utc(value):
    """A naive UTC datetime from the database, made explicit about it.

    The JSON then carries ``+00:00`` and no client has to guess the zone.
    """
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=datetime.timezone.utc)
