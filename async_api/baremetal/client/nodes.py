"""The reference service's nodes over HTTP.

CRUD answers at once; every action is an ``async_api.TaskClient.action``
and so takes an idempotency key and may wait for its task (``wait``,
``timeout``, ``progress`` as :meth:`async_api.TaskClient.wait`).
"""

from urllib import parse

import async_api

#: The service's type in the Keystone catalog.
SERVICE_TYPE = 'asyncapi'
NODES = 'v1/nodes'


def client(session, endpoint=None, interface=None, region_name=None):
    """A :class:`NodeClient` for the reference service behind ``session``."""
    return NodeClient(async_api.TaskClient(
        session, SERVICE_TYPE, endpoint=endpoint, interface=interface,
        region_name=region_name, user_agent='async_api-baremetal-client'))


def patch_operations(values=(), removals=()):
    """RFC 6902 operations for ``PATCH /v1/nodes/{id}``.

    :param values: ``(path, value)`` pairs to set (``/name``,
        ``/driver_info/address``); ``add`` replaces an existing member.
    :param removals: paths to remove.
    """
    return ([{'op': 'add', 'path': path, 'value': value}
             for path, value in values] +
            [{'op': 'remove', 'path': path} for path in removals])


class NodeClient:
    """Nodes: CRUD, actions, validation. ``tasks`` is the task client."""

    def __init__(self, tasks):
        self.tasks = tasks

    def _path(self, node, *parts):
        # A name may hold characters a path may not.
        return '/'.join((NODES, parse.quote(node, safe='')) + parts)

    # CRUD (synchronous)

    def create(self, driver, name=None, uuid=None, driver_info=None,
               extra=None, idempotency_key=None):
        body = {'driver': driver}
        for key, value in (('name', name), ('uuid', uuid),
                           ('driver_info', driver_info), ('extra', extra)):
            if value is not None:
                body[key] = value
        return self.tasks.request('POST', NODES, json=body,
                                  idempotency_key=idempotency_key).json()

    def list(self, limit=None, sort_key=None, sort_dir=None, **filters):
        """Nodes by ``driver``, ``power_state``, ``provision_state``,
        ``sync_state``; every page unless ``limit``."""
        params = dict(filters, sort_key=sort_key, sort_dir=sort_dir)
        return self.tasks.collection(NODES, 'nodes', params=params,
                                     limit=limit)

    def get(self, node):
        """A node by UUID or name."""
        return self.tasks.request('GET', self._path(node)).json()

    def update(self, node, operations, idempotency_key=None):
        """Apply JSON patch ``operations`` (:func:`patch_operations`)."""
        return self.tasks.request('PATCH', self._path(node),
                                  json=operations,
                                  idempotency_key=idempotency_key).json()

    def delete(self, node):
        self.tasks.request('DELETE', self._path(node))

    def validation(self, node):
        """The stored validation result (no hardware call)."""
        return self.tasks.request('GET', self._path(node, 'validate')).json()

    def list_tasks(self, node, limit=None):
        """The node's task history, newest first."""
        return self.tasks.collection(self._path(node, 'tasks'), 'tasks',
                                     limit=limit)

    # Actions: each answers with its task

    def set_power_state(self, node, target, **kwargs):
        """``target``: ``on``, ``off`` or ``reboot``."""
        return self.tasks.action('PUT', self._path(node, 'states', 'power'),
                                 {'target': target}, **kwargs)

    def set_provision_state(self, node, target, **kwargs):
        """``target``: ``active`` (deploy) or ``deleted`` (undeploy)."""
        return self.tasks.action(
            'PUT', self._path(node, 'states', 'provision'),
            {'target': target}, **kwargs)

    def set_boot_device(self, node, boot_device, persistent=False,
                        **kwargs):
        return self.tasks.action(
            'PUT', self._path(node, 'management', 'boot_device'),
            {'boot_device': boot_device, 'persistent': persistent}, **kwargs)

    def validate(self, node, **kwargs):
        """Validate the driver now, as a task whose result is the
        validation."""
        return self.tasks.action('POST', self._path(node, 'validate'),
                                 **kwargs)
