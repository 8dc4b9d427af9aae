"""Who may do what: oslo.policy rules in code, and the checks.

The library's own rules (the tasks collection) and its base rules are
:func:`list_rules`; a service adds its own with :func:`register_rules`
and refers to the base rules by name (``rule:async_api:member``). The
defaults follow OpenStack's secure RBAC (Keystone's ``admin``,
``member`` and ``reader`` roles, which Keystone makes imply one another
in that order):

``async_api:admin``
    Any caller with the ``admin`` role (in any project, or
    system-scoped), or a context marked ``is_admin`` (the service's
    ``noauth`` context): sees and changes every project's objects.
``async_api:system_reader``
    A system-scoped ``reader``: sees every project's objects, changes
    none.
``async_api:project_reader`` / ``async_api:project_member``
    A ``reader`` / ``member`` of the object's project.

Scoping is not a rule of its own: an object of another project is
never found (404, whether it exists or not), so that a refusal (403)
never tells a caller that it exists. :func:`project_scope` says which
project a caller's look-ups are limited to; callers passing
``async_api:all_projects`` are not limited.

The enforcer is built once per ``ConfigOpts`` (:func:`get_enforcer`);
operators override rules in the ``[oslo_policy]policy_file`` file
(doc/source/admin/policy.rst).
"""

import threading
import time
import weakref

from oslo_config import cfg
from oslo_policy import policy

from async_api.common import exception

ADMIN = 'rule:async_api:admin'
SYSTEM_READER = 'rule:async_api:system_reader'
PROJECT_READER = 'rule:async_api:project_reader'
PROJECT_MEMBER = 'rule:async_api:project_member'
#: Admins, system readers and the object's project's readers.
READER = 'rule:async_api:reader'
#: Admins and the object's project's members.
MEMBER = 'rule:async_api:member'
#: Rule name: callers whose reads are not limited to their project.
ALL_PROJECTS = 'async_api:all_projects'

TASK_LIST = 'async_api:task:list'
TASK_GET = 'async_api:task:get'
TASK_EVENTS = 'async_api:task:events'
TASK_CANCEL = 'async_api:task:cancel'

# API rules apply to project- and system-scoped tokens alike; a
# domain-scoped token is refused (oslo.policy's enforce_scope).
SCOPES = ['system', 'project']

_BASE_RULES = [
    policy.RuleDefault(
        'async_api:admin', 'role:admin or is_admin:True',
        description='Administrators: every project\'s objects.'),
    policy.RuleDefault(
        'async_api:system_reader', 'role:reader and system_scope:all',
        description='System-scoped readers: see every project\'s objects.'),
    policy.RuleDefault(
        'async_api:project_reader',
        'role:reader and project_id:%(project_id)s',
        description='Readers of the object\'s project.'),
    policy.RuleDefault(
        'async_api:project_member',
        'role:member and project_id:%(project_id)s',
        description='Members of the object\'s project.'),
    policy.RuleDefault(
        'async_api:reader',
        ' or '.join((ADMIN, SYSTEM_READER, PROJECT_READER)),
        description='Who may read an object.'),
    policy.RuleDefault(
        'async_api:member', ' or '.join((ADMIN, PROJECT_MEMBER)),
        description='Who may change an object or act on it.'),
    policy.RuleDefault(
        ALL_PROJECTS, ' or '.join((ADMIN, SYSTEM_READER)),
        description='Whose look-ups and lists are not limited to their '
                    'own project. Everyone else finds only their '
                    'project\'s objects: another project\'s is a 404.'),
]

_TASK_RULES = [
    policy.DocumentedRuleDefault(
        TASK_LIST, READER, 'List tasks, of all resources or of one.',
        [{'method': 'GET', 'path': '/v1/tasks'},
         {'method': 'GET', 'path': '/v1/{resource}/{id}/tasks'}],
        scope_types=SCOPES),
    policy.DocumentedRuleDefault(
        TASK_GET, READER, 'Show a task.',
        [{'method': 'GET', 'path': '/v1/tasks/{task_uuid}'}],
        scope_types=SCOPES),
    policy.DocumentedRuleDefault(
        TASK_EVENTS, READER, 'List the step events of a task.',
        [{'method': 'GET', 'path': '/v1/tasks/{task_uuid}/events'}],
        scope_types=SCOPES),
    policy.DocumentedRuleDefault(
        TASK_CANCEL, MEMBER, 'Cancel a task.',
        [{'method': 'POST', 'path': '/v1/tasks/{task_uuid}/cancel'}],
        scope_types=SCOPES),
]

#: Seconds between two looks for a changed policy file or directory.
RELOAD_CHECK_INTERVAL = 1.0


#: Decisions an enforcer keeps; past that many it starts afresh.
DECISIONS_KEPT = 4096


def _frozen(values):
    """A hashable form of a credentials or target dict (TypeError if a
    value cannot be one)."""
    return tuple(sorted(
        (key, tuple(value) if isinstance(value, list) else value)
        for key, value in values.items()))


class _Enforcer(policy.Enforcer):
    """An enforcer that looks for changed policy files once a second,
    and keeps its decisions until then.

    oslo.policy's ``enforce`` looks for them on every check: with no
    policy file (the default) that is a failed search of every
    configuration directory for the file and for each ``policy_dirs``
    entry, twice per request (the rule, then the listing scope), about a
    tenth of what accepting a task costs. Evaluating a rule costs as
    much again (oslo.policy inspects every check's signature on every
    call), for the same few answers: one per rule, caller and project.
    An operator's edit is still picked up, and the decisions made under
    the old rules forgotten, within :data:`RELOAD_CHECK_INTERVAL`.
    """

    _next_check = 0.0
    _generation = 0

    def __init__(self, *args, **kwargs):
        self._decisions = {}
        super().__init__(*args, **kwargs)

    def _forget_decisions(self):
        self._generation += 1
        self._decisions = {}

    def load_rules(self, force_reload=False):
        now = time.monotonic()
        if force_reload or not self.rules or now >= self._next_check:
            super().load_rules(force_reload)
            self._next_check = now + RELOAD_CHECK_INTERVAL
            self._forget_decisions()

    def set_rules(self, rules, overwrite=True, use_conf=False):
        super().set_rules(rules, overwrite=overwrite, use_conf=use_conf)
        self._forget_decisions()

    def clear(self):
        super().clear()
        self._forget_decisions()

    def register_default(self, default):
        super().register_default(default)
        # Merged into the rules at the next load: make it the next check.
        self._next_check = 0.0

    def decide(self, rule, target, creds):
        """Whether ``creds`` pass ``rule`` for ``target`` (a bool).

        A token of the wrong scope for the rule does not pass.
        """
        self.load_rules()
        try:
            key = (rule, _frozen(target), _frozen(creds))
            found = self._decisions.get(key)
        except TypeError:
            # A value that cannot be a key: decided every time.
            return self._decide(rule, target, creds)
        if found is None:
            generation, decisions = self._generation, self._decisions
            found = self._decide(rule, target, creds)
            # Not if the rules changed meanwhile: it may be stale.
            if generation == self._generation:
                if len(decisions) >= DECISIONS_KEPT:
                    decisions.clear()
                decisions[key] = found
        return found

    def _decide(self, rule, target, creds):
        try:
            return bool(self.authorize(rule, target, creds))
        except policy.InvalidScope:
            return False


_lock = threading.Lock()
# id(conf) -> (weak reference to conf, its enforcer). ConfigOpts is a
# mapping, so not hashable: it cannot be a key itself.
_enforcers = {}
# Rules services registered, added to every enforcer, now and later.
_service_rules = {}


def list_rules():
    """The library's rules (the ``oslo.policy.policies`` entry point)."""
    return _BASE_RULES + _TASK_RULES


def register_rules(rules):
    """Add a service's rules (``RuleDefault`` objects) to the enforcers.

    Call it once at start-up, before the first request; registering a
    rule again (same name) is a no-op.
    """
    with _lock:
        for rule in rules:
            if rule.name in _service_rules:
                continue
            _service_rules[rule.name] = rule
            for _ref, enforcer in _enforcers.values():
                enforcer.register_default(rule)


def get_enforcer(conf=None):
    """The enforcer of ``conf`` (oslo.config's global one by default),
    with the library's and the services' rules registered.

    Its ``[oslo_policy]`` options are registered on ``conf`` by
    oslo.policy itself.
    """
    conf = conf if conf is not None else cfg.CONF
    key = id(conf)
    with _lock:
        ref, enforcer = _enforcers.get(key, (None, None))
        if ref is None or ref() is not conf:
            enforcer = _Enforcer(conf)
            enforcer.register_defaults(list_rules())
            enforcer.register_defaults(list(_service_rules.values()))
            _enforcers[key] = (weakref.ref(conf, _forget(key)), enforcer)
        return enforcer


def _forget(key):
    def forget(ref):
        with _lock:
            if _enforcers.get(key, (None,))[0] is ref:
                del _enforcers[key]
    return forget


def credentials(context):
    """The policy credentials of an oslo.context ``RequestContext``.

    Values the context does not have are left out rather than None, so
    that ``project_id:%(project_id)s`` never matches a caller without a
    project to an object without one. ``is_admin`` is added: the
    context's own flag, which ``to_policy_values`` leaves out.
    """
    creds = {key: value for key, value in
             context.to_policy_values().items() if value is not None}
    creds['is_admin'] = bool(getattr(context, 'is_admin', False))
    return creds


def target(project_id):
    """The policy target of an object of ``project_id``."""
    return {'project_id': project_id}


def check(rule, target, context, conf=None):
    """True if ``context`` passes ``rule`` for ``target``."""
    return get_enforcer(conf).decide(rule, target, credentials(context))


def authorize(rule, target, context, conf=None):
    """Raise 403 ``policy_not_authorized`` unless ``context`` passes.

    :param rule: a registered rule's name.
    :param target: the object's :func:`target` (its project).
    :param context: the request's ``RequestContext``.
    """
    if not check(rule, target, context, conf):
        raise exception.PolicyNotAuthorized(
            'Policy does not allow %s to be performed' % rule)


def project_scope(context, conf=None):
    """The project ``context``'s look-ups are limited to; None: all.

    Callers passing ``async_api:all_projects`` are not limited; anyone
    else is limited to their own project, and refused (403) if they
    have none, since they could find nothing.
    """
    if check(ALL_PROJECTS, target(None), context, conf):
        return None
    if not getattr(context, 'project_id', None):
        raise exception.PolicyNotAuthorized(
            'A project-scoped token is needed to see objects here')
    return context.project_id


def authorize_list(rule, context, conf=None):
    """Authorize a listing; returns :func:`project_scope` to filter by."""
    authorize(rule, target(getattr(context, 'project_id', None)),
              context, conf)
    return project_scope(context, conf)
