"""The versioned payloads of task notifications.

oslo.versionedobjects, as Nova and Ironic use for theirs: a consumer
reads ``async_api_object.name`` and ``async_api_object.version`` and
knows the fields it gets, and a change of fields without a new version
fails a unit test (``test_objects``'s fingerprints). Bump ``VERSION``
when fields change: the minor version for an added field, the major for
a removed or changed one.

Values that may carry secrets (``params``, ``result``, ``error``, a
step event's ``details``) are masked the way the API masks them before
they are set here (:mod:`async_api.notifications.payloads`).
"""

from oslo_serialization import jsonutils
from oslo_versionedobjects import base
from oslo_versionedobjects import fields


class Registry(base.VersionedObjectRegistry):
    """The registry of async_api's notification payloads."""


class JsonType(fields.FieldType):
    """Any JSON value (an operation's parameters, a result, an error)."""

    @staticmethod
    def coerce(obj, attr, value):
        jsonutils.dumps(value)  # Not JSON: fail at once, not on send.
        return value

    def stringify(self, value):
        return jsonutils.dumps(value, sort_keys=True)


class JsonField(fields.AutoTypedField):
    AUTO_TYPE = JsonType()


class PayloadBase(base.VersionedObject):
    """Base of the payloads: serialised under ``async_api_object.*``."""

    OBJ_SERIAL_NAMESPACE = 'async_api_object'
    OBJ_PROJECT_NAMESPACE = 'async_api'


@Registry.register
class TaskPayload(PayloadBase):
    """A task as the API shows it (secrets masked)."""

    # Version 1.0: first version.
    VERSION = '1.0'

    fields = {
        'uuid': fields.UUIDField(),
        'operation': fields.StringField(),
        'resource_type': fields.StringField(),
        'resource_uuid': fields.StringField(),
        'state': fields.StringField(),
        'progress': fields.IntegerField(),
        'step': fields.StringField(nullable=True),
        'attempt': fields.IntegerField(),
        'params': JsonField(),
        'result': JsonField(nullable=True),
        'error': JsonField(nullable=True),
        'request_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'cancel_requested': fields.BooleanField(),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'started_at': fields.DateTimeField(nullable=True),
        'finished_at': fields.DateTimeField(nullable=True),
    }


@Registry.register
class TaskStepPayload(TaskPayload):
    """A task and the step event a ``task.step.*`` or retry reports."""

    # Version 1.0: first version.
    VERSION = '1.0'

    fields = dict(TaskPayload.fields, **{
        'event': fields.StringField(),
        'event_state': fields.StringField(),
        'event_host': fields.StringField(nullable=True),
        'event_details': JsonField(nullable=True),
    })
