"""Node bodies: what ``POST /v1/nodes`` accepts and every node GET shows."""

from oslo_utils import uuidutils
from wsme import types as wtypes

import async_api
from async_api.baremetal.drivers import base as drivers_base


DRIVERS = ('fake', 'ipmi', 'redfish')
SYNC_STATES = ('in_sync', 'syncing', 'out_of_sync', 'error')
# The fields a client may set, at creation or by JSON patch.
WRITABLE = ('name', 'driver', 'driver_info', 'extra')

drivertype = wtypes.Enum(str, *DRIVERS)
nametype = wtypes.StringType(min_length=1, max_length=255)


def debug_fields():
    """The driver debugging fields of every driver a node may have.

    All drivers', not only the node's: a node's driver can be changed
    later, and the fields it was given would then take effect.
    """
    fields = set()
    for name in DRIVERS:
        fields.update(drivers_base.get_driver(name).debug_fields)
    return fields


def check_name(name):
    """400 if ``name`` could be mistaken for a UUID.

    Nodes are looked up by either, so a UUID-like name would be ambiguous.
    """
    if name is not None and uuidutils.is_uuid_like(name):
        raise async_api.exception.InvalidParameter(
            'A node name must not look like a UUID: %s' % name)
    return name


@async_api.api_types.json_object
class NodePost(wtypes.Base):
    """The body of ``POST /v1/nodes``."""

    uuid = wtypes.wsattr(wtypes.text)
    name = wtypes.wsattr(nametype)
    driver = wtypes.wsattr(drivertype, mandatory=True)
    driver_info = wtypes.wsattr(async_api.api_types.jsondict)
    extra = wtypes.wsattr(async_api.api_types.jsondict)

    def to_values(self):
        """The column values of the new node."""
        if self.uuid and not uuidutils.is_uuid_like(self.uuid):
            raise async_api.exception.InvalidParameter(
                'uuid must be a UUID, not %s' % self.uuid)
        values = {'driver': self.driver,
                  'name': check_name(self.name or None),
                  'driver_info': self.driver_info or {},
                  'extra': self.extra or {}}
        if self.uuid:
            values['uuid'] = self.uuid
        return values


@async_api.api_types.planned
class Node(wtypes.Base):
    """A node as the API shows it; secrets in ``driver_info`` masked."""

    uuid = wtypes.text
    name = wtypes.text
    driver = wtypes.text
    driver_info = async_api.api_types.jsondict
    extra = async_api.api_types.jsondict
    power_state = wtypes.text
    target_power_state = wtypes.text
    provision_state = wtypes.text
    sync_state = wtypes.text
    last_error = wtypes.text
    last_task_uuid = wtypes.text
    created_at = wtypes.datetime.datetime
    updated_at = wtypes.datetime.datetime
    links = [async_api.api_types.Link]

    @classmethod
    def from_db_obj(cls, node):
        """The body of a ``models.Node`` row."""
        return cls(
            uuid=node.uuid,
            name=node.name,
            driver=node.driver,
            driver_info=async_api.masking.mask(node.driver_info or {}),
            extra=async_api.masking.mask(node.extra or {}),
            power_state=node.power_state,
            target_power_state=node.target_power_state,
            provision_state=node.provision_state,
            sync_state=node.sync_state,
            last_error=async_api.masking.mask_text(node.last_error),
            last_task_uuid=node.last_task_uuid,
            created_at=async_api.api_types.utc(node.created_at),
            updated_at=async_api.api_types.utc(node.updated_at),
            links=async_api.api_types.links(
                async_api.links.self_link('v1', 'nodes', node.uuid)))


@async_api.api_types.json_object
class PatchOperation(wtypes.Base):
    """One RFC 6902 operation of a ``PATCH`` body."""

    op = wtypes.wsattr(wtypes.Enum(str, 'add', 'remove', 'replace', 'test'),
                       mandatory=True)
    path = wtypes.wsattr(wtypes.text, mandatory=True)
    value = wtypes.wsattr(async_api.api_types.jsontype)

    def as_dict(self):
        """The operation as :mod:`.json_patch` takes it."""
        operation = {'op': self.op, 'path': self.path}
        # An absent value is Unset; an explicit JSON null is None.
        if self.value is not wtypes.Unset:
            operation['value'] = self.value
        return operation


@async_api.api_types.planned
class NodeCollection(async_api.Collection):
    """``{"nodes": [...], "next": ...}``."""

    nodes = [Node]
