"""async_api: make an OpenStack-style REST API fully asynchronous.

This module is the library's public API: what a service that adopts it
imports, and all it needs (doc/source/user/library.rst is the tutorial,
doc/source/user/public-api.rst the list). Names are loaded on first use,
so that importing one part of the library does not import the rest.
"""

import importlib

# name -> (module, attribute); None as the attribute: the module itself.
_EXPORTS = {
    # Configuration
    'register_opts': ('async_api.conf', 'register_opts'),
    'list_opts': ('async_api.conf.opts', 'list_opts'),
    # Database
    'setup_database': ('async_api.db.engine', 'from_conf'),
    'database': ('async_api.db.engine', 'current'),
    'upgrade_schema': ('async_api.db.migration', 'upgrade'),
    'schema_version': ('async_api.db.migration', 'version'),
    'check_jobboard': ('async_api.jobboard.factory', 'check'),
    'check_persistence': ('async_api.persistence.factory', 'check'),
    'Statement': ('async_api.db.direct', 'Statement'),
    # Operations and resource types
    'Operation': ('async_api.operations.registry', 'Operation'),
    'register_operation': ('async_api.operations.registry', 'register'),
    'get_operation': ('async_api.operations.registry', 'get'),
    'ResourceType': ('async_api.resources', 'ResourceType'),
    'register_resource_type': ('async_api.resources', 'register'),
    # Tasks
    'submit': ('async_api.tasks.submit', 'submit'),
    'cancel': ('async_api.tasks.cancel', 'cancel'),
    'check_cancel': ('async_api.tasks.boundary', 'check_cancel'),
    'report_retry': ('async_api.conductor.deadlines', 'report_retry'),
    'hold_write': ('async_api.conductor.deadlines', 'hold_write'),
    'TaskCancelled': ('async_api.tasks.boundary', 'TaskCancelled'),
    'wait_for_task': ('async_api.tasks.waiters', 'wait'),
    'get_task': ('async_api.db.tasks', 'get_task'),
    'list_tasks': ('async_api.db.tasks', 'list_tasks'),
    'list_events': ('async_api.db.tasks', 'list_events'),
    'count_active_tasks': ('async_api.db.lanes', 'count_active'),
    'active_task_exists': ('async_api.db.lanes', 'active_exists'),
    'reserved_uuid': ('async_api.api.idempotency', 'reserved_uuid'),
    'set_tasks_path': ('async_api.api.request', 'set_tasks_path'),
    'purge_idempotency_keys': ('async_api.idempotency.store',
                               'purge_expired'),
    'purge_tasks': ('async_api.tasks.retention', 'purge_tasks'),
    'states': ('async_api.common.states', None),
    # HTTP
    'make_hooks': ('async_api.api.app', 'make_hooks'),
    'wrap_app': ('async_api.api.app', 'wrap'),
    'PECAN_CONFIG': ('async_api.api.app', 'PECAN_CONFIG'),
    'PREFER_BEFORE_WAIT': ('async_api.api.prefer', 'BEFORE_WAIT'),
    'TasksController': ('async_api.api.controllers.tasks',
                        'TasksController'),
    'ResourceTasksController': ('async_api.api.controllers.tasks',
                                'ResourceTasksController'),
    'ActionController': ('async_api.api.controllers.action',
                         'ActionController'),
    'accept': ('async_api.api.controllers.action', 'accept'),
    'expose': ('async_api.api.expose', 'expose'),
    'Task': ('async_api.api.types.task', 'Task'),
    'api_types': ('async_api.api.types.base', None),
    'Collection': ('async_api.api.types.collection', 'Collection'),
    'links': ('async_api.api.links', None),
    'pagination': ('async_api.api.pagination', None),
    'masking': ('async_api.common.masking', None),
    'errors': ('async_api.api.errors', None),
    'policy': ('async_api.api.policy', None),
    # Conductors
    'ConductorService': ('async_api.conductor.service', 'ConductorService'),
    'PeriodicRunner': ('async_api.conductor.periodics', 'PeriodicRunner'),
    # Errors
    'exception': ('async_api.common.exception', None),
    'MissingExtra': ('async_api.common.extras', 'MissingExtra'),
    # Authentication
    'Authentication': ('async_api.api.auth', 'Authentication'),
    # Safe to expose: failures and the log
    'describe_failure': ('async_api.tasks.failures', 'describe'),
    'install_log_masking': ('async_api.common.log_masking', 'install'),
    'openapi': ('async_api.api.openapi', None),
    # Process
    'freeze_heap': ('async_api.common.heap', 'freeze_heap'),
    # HTTP client (keystoneauth1; no server-side imports)
    'TaskClient': ('async_api.client.tasks', 'TaskClient'),
    'client_session': ('async_api.client.session', 'client_session'),
    'ClientError': ('async_api.client.errors', 'ClientError'),
    'WaitTimeout': ('async_api.client.errors', 'WaitTimeout'),
    'progress_reporter': ('async_api.client.progress', 'progress_reporter'),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    try:
        module_name, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError('module %r has no attribute %r'
                             % (__name__, name)) from None
    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value  # later uses skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
