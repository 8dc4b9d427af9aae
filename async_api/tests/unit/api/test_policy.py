"""The library's policy rules: who each default allows and refuses."""

import os
import time

import fixtures
from oslo_config import cfg
from oslo_context import context as oslo_context
from oslo_policy import policy as oslo_policy

from async_api.api import policy
from async_api.common import exception
from async_api.tests import base

PROJECT_A = 'project-a'
PROJECT_B = 'project-b'

# Callers as Keystone describes them: roles include the implied ones
# (admin implies member, member implies reader).
CALLERS = {
    'project_admin': dict(project_id=PROJECT_B,
                          roles=['admin', 'member', 'reader']),
    'system_admin': dict(system_scope='all',
                         roles=['admin', 'member', 'reader']),
    'system_reader': dict(system_scope='all', roles=['reader']),
    'system_member': dict(system_scope='all', roles=['member', 'reader']),
    'noauth_admin': dict(is_admin=True),
    'a_member': dict(project_id=PROJECT_A, roles=['member', 'reader']),
    'a_reader': dict(project_id=PROJECT_A, roles=['reader']),
    'a_other_role': dict(project_id=PROJECT_A, roles=['observer']),
    'b_member': dict(project_id=PROJECT_B, roles=['member', 'reader']),
    'b_reader': dict(project_id=PROJECT_B, roles=['reader']),
    'anonymous': dict(),
}


def make_context(name):
    return oslo_context.RequestContext(user_id=name, **CALLERS[name])


class PolicyTestCase(base.TestCase):
    """Checks each rule against every caller of :data:`CALLERS`."""

    def setUp(self):
        super().setUp()
        # A fresh configuration: no rule file, no enforcer of other tests.
        self.conf = cfg.ConfigOpts()
        self.conf([], project='async_api', default_config_files=[])

    def allowed(self, rule, project_id=PROJECT_A):
        return {name for name in CALLERS
                if policy.check(rule, policy.target(project_id),
                                make_context(name), self.conf)}

    def assert_rule(self, rule, expected, project_id=PROJECT_A):
        self.assertEqual(set(expected), self.allowed(rule, project_id),
                         rule)


ADMINS = ('project_admin', 'system_admin', 'noauth_admin')
# Who reads project A's objects: admins, system readers, A's readers.
A_READERS = ADMINS + ('system_reader', 'system_member', 'a_member',
                      'a_reader')
# Who changes project A's objects: admins and A's members.
A_MEMBERS = ADMINS + ('a_member',)


class TestTaskRules(PolicyTestCase):

    def test_task_list(self):
        self.assert_rule(policy.TASK_LIST, A_READERS)

    def test_task_get(self):
        self.assert_rule(policy.TASK_GET, A_READERS)

    def test_task_events(self):
        self.assert_rule(policy.TASK_EVENTS, A_READERS)

    def test_task_cancel(self):
        self.assert_rule(policy.TASK_CANCEL, A_MEMBERS)

    def test_all_projects(self):
        self.assert_rule(policy.ALL_PROJECTS,
                         ADMINS + ('system_reader', 'system_member'),
                         project_id=None)

    def test_every_rule_is_tested(self):
        tested = {policy.TASK_LIST, policy.TASK_GET, policy.TASK_EVENTS,
                  policy.TASK_CANCEL, policy.ALL_PROJECTS}
        api_rules = {rule.name for rule in policy.list_rules()
                     if getattr(rule, 'operations', None)}
        self.assertEqual(set(), api_rules - tested)


class TestNoProject(PolicyTestCase):

    def test_object_of_no_project_is_not_a_project_callers(self):
        # A reader without a project must not match an object without
        # one: None is not a project both are in.
        context = oslo_context.RequestContext(roles=['member', 'reader'])
        self.assertFalse(policy.check(policy.TASK_GET, policy.target(None),
                                      context, self.conf))
        self.assertFalse(policy.check(policy.TASK_CANCEL,
                                      policy.target(None), context,
                                      self.conf))

    def test_admin_passes_for_objects_of_no_project(self):
        self.assertTrue(policy.check(policy.TASK_CANCEL,
                                     policy.target(None),
                                     make_context('system_admin'),
                                     self.conf))


class TestScope(PolicyTestCase):

    def test_admins_and_system_readers_see_every_project(self):
        for name in ('project_admin', 'system_admin', 'noauth_admin',
                     'system_reader'):
            self.assertIsNone(policy.project_scope(make_context(name),
                                                   self.conf), name)

    def test_others_see_their_project(self):
        for name in ('a_member', 'a_reader', 'a_other_role'):
            self.assertEqual(PROJECT_A, policy.project_scope(
                make_context(name), self.conf), name)

    def test_no_project_and_no_admin_is_refused(self):
        error = self.assertRaises(exception.PolicyNotAuthorized,
                                  policy.project_scope,
                                  make_context('anonymous'), self.conf)
        self.assertEqual(403, error.status)

    def test_list_needs_the_rule_and_returns_the_scope(self):
        self.assertEqual(PROJECT_A, policy.authorize_list(
            policy.TASK_LIST, make_context('a_reader'), self.conf))
        self.assertIsNone(policy.authorize_list(
            policy.TASK_LIST, make_context('system_reader'), self.conf))
        self.assertRaises(exception.PolicyNotAuthorized,
                          policy.authorize_list, policy.TASK_LIST,
                          make_context('a_other_role'), self.conf)


class TestAuthorize(PolicyTestCase):

    def test_refusal_is_403_naming_the_rule(self):
        error = self.assertRaises(
            exception.PolicyNotAuthorized, policy.authorize,
            policy.TASK_CANCEL, policy.target(PROJECT_A),
            make_context('a_reader'), self.conf)
        self.assertEqual((403, 'policy_not_authorized'),
                         (error.status, error.code))
        self.assertIn(policy.TASK_CANCEL, error.detail)

    def test_domain_scoped_token_is_refused(self):
        context = oslo_context.RequestContext(
            domain_id='d1', roles=['admin', 'member', 'reader'])
        self.assertRaises(exception.PolicyNotAuthorized, policy.authorize,
                          policy.TASK_GET, policy.target(PROJECT_A),
                          context, self.conf)

    def test_service_rules_join_existing_enforcers(self):
        from oslo_policy import policy as oslo_policy
        enforcer = policy.get_enforcer(self.conf)
        name = 'test_policy:extra:%s' % id(self)
        policy.register_rules([oslo_policy.RuleDefault(name, '!')])
        self.assertIn(name, enforcer.registered_rules)
        self.assertIn(name, policy.get_enforcer(
            self.make_conf()).registered_rules)

    def make_conf(self):
        conf = cfg.ConfigOpts()
        conf([], project='async_api', default_config_files=[])
        return conf


class TestDecisions(PolicyTestCase):
    """Decisions are kept until the rules change."""

    def count_evaluations(self):
        enforcer = policy.get_enforcer(self.conf)
        evaluations = []
        enforce = enforcer.enforce

        def counting(rule, target, creds, *args, **kwargs):
            evaluations.append((rule, target['project_id'],
                                creds.get('user_id')))
            return enforce(rule, target, creds, *args, **kwargs)
        self.useFixture(fixtures.MockPatchObject(
            enforcer, 'enforce', counting))
        return evaluations

    def may_get(self, caller, project_id=PROJECT_A):
        return policy.check(policy.TASK_GET, policy.target(project_id),
                            make_context(caller), self.conf)

    def test_one_evaluation_per_rule_caller_and_project(self):
        evaluations = self.count_evaluations()
        for _ in range(3):
            self.assertTrue(self.may_get('a_reader'))
            self.assertFalse(self.may_get('b_reader'))
            self.assertTrue(self.may_get('b_reader', PROJECT_B))
        self.assertEqual(
            [(policy.TASK_GET, PROJECT_A, 'a_reader'),
             (policy.TASK_GET, PROJECT_A, 'b_reader'),
             (policy.TASK_GET, PROJECT_B, 'b_reader')], evaluations)

    def test_new_rules_forget_the_decisions(self):
        self.assertTrue(self.may_get('a_reader'))
        policy.get_enforcer(self.conf).set_rules(
            oslo_policy.Rules.from_dict({policy.TASK_GET: 'role:admin'}),
            overwrite=False)
        self.assertFalse(self.may_get('a_reader'))

    def test_wrong_scope_is_refused_and_kept(self):
        evaluations = self.count_evaluations()
        context = oslo_context.RequestContext(
            user_id='d', domain_id='d1', roles=['admin', 'member', 'reader'])
        for _ in range(2):
            self.assertFalse(policy.check(
                policy.TASK_GET, policy.target(PROJECT_A), context,
                self.conf))
        self.assertEqual(1, len(evaluations))

    def test_kept_decisions_are_bounded(self):
        self.useFixture(fixtures.MonkeyPatch(
            'async_api.api.policy.DECISIONS_KEPT', 2))
        for caller in ('a_reader', 'b_reader', 'a_member'):
            self.may_get(caller)
        self.assertLessEqual(
            len(policy.get_enforcer(self.conf)._decisions), 2)


class TestOverride(PolicyTestCase):
    """An operator's policy file replaces a default."""

    def write_policy(self, text, mtime=None):
        path = os.path.join(self.state_path, 'policy.yaml')
        with open(path, 'w') as f:
            f.write(text)
        if mtime is not None:
            os.utime(path, (mtime, mtime))
        return path

    def policy_conf(self, path):
        config_file = os.path.join(self.state_path, 'async-api.conf')
        with open(config_file, 'w') as f:
            f.write('[oslo_policy]\npolicy_file = %s\n' % path)
        conf = cfg.ConfigOpts()
        conf(['--config-file', config_file], project='async_api',
             default_config_files=[])
        return conf

    def test_an_edit_is_seen_once_the_check_interval_passed(self):
        self.useFixture(fixtures.MonkeyPatch(
            'async_api.api.policy.RELOAD_CHECK_INTERVAL', 0.3))
        path = self.write_policy('"async_api:task:cancel": "role:admin"\n',
                                 mtime=1000000000)
        conf = self.policy_conf(path)

        def member_may_cancel():
            return policy.check(policy.TASK_CANCEL,
                                policy.target(PROJECT_A),
                                make_context('a_member'), conf)

        self.assertFalse(member_may_cancel())
        self.write_policy('"async_api:task:cancel": "rule:async_api:member"'
                          '\n', mtime=1000000100)
        # Not looked for on every check: the edit waits for the interval.
        self.assertFalse(member_may_cancel())
        time.sleep(0.4)
        self.assertTrue(member_may_cancel())

    def test_rule_from_the_policy_file(self):
        path = self.write_policy('"async_api:task:cancel": "role:admin"\n')
        conf = self.policy_conf(path)
        self.assertFalse(policy.check(
            policy.TASK_CANCEL, policy.target(PROJECT_A),
            make_context('a_member'), conf))
        self.assertTrue(policy.check(
            policy.TASK_CANCEL, policy.target(PROJECT_A),
            make_context('system_admin'), conf))
        # The others keep their defaults.
        self.assertTrue(policy.check(
            policy.TASK_GET, policy.target(PROJECT_A),
            make_context('a_reader'), conf))
