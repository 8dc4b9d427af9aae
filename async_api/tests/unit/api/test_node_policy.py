"""The bare-metal service's node rules: who each default allows."""

from async_api.baremetal.api import policy as node_policy
from async_api.tests.unit.api import test_policy

A_READERS = test_policy.A_READERS
A_MEMBERS = test_policy.A_MEMBERS
ADMINS = test_policy.ADMINS

EXPECTED = {
    node_policy.NODE_CREATE: A_MEMBERS,
    node_policy.NODE_LIST: A_READERS,
    node_policy.NODE_GET: A_READERS,
    node_policy.NODE_UPDATE: A_MEMBERS,
    node_policy.NODE_DELETE: A_MEMBERS,
    node_policy.NODE_SET_POWER_STATE: A_MEMBERS,
    node_policy.NODE_DEPLOY: A_MEMBERS,
    node_policy.NODE_UNDEPLOY: A_MEMBERS,
    node_policy.NODE_SET_BOOT_DEVICE: A_MEMBERS,
    node_policy.NODE_VALIDATE_GET: A_READERS,
    node_policy.NODE_VALIDATE: A_MEMBERS,
    # Not even the node's own project's members.
    node_policy.NODE_SET_DEBUG_FIELDS: ADMINS,
}


class TestNodeRules(test_policy.PolicyTestCase):

    def setUp(self):
        super().setUp()
        node_policy.register()

    def test_create(self):
        self.assert_rule(node_policy.NODE_CREATE,
                         EXPECTED[node_policy.NODE_CREATE])

    def test_list(self):
        self.assert_rule(node_policy.NODE_LIST,
                         EXPECTED[node_policy.NODE_LIST])

    def test_get(self):
        self.assert_rule(node_policy.NODE_GET, EXPECTED[node_policy.NODE_GET])

    def test_update(self):
        self.assert_rule(node_policy.NODE_UPDATE,
                         EXPECTED[node_policy.NODE_UPDATE])

    def test_delete(self):
        self.assert_rule(node_policy.NODE_DELETE,
                         EXPECTED[node_policy.NODE_DELETE])

    def test_set_power_state(self):
        self.assert_rule(node_policy.NODE_SET_POWER_STATE,
                         EXPECTED[node_policy.NODE_SET_POWER_STATE])

    def test_deploy_and_undeploy(self):
        for rule in (node_policy.NODE_DEPLOY, node_policy.NODE_UNDEPLOY):
            self.assert_rule(rule, EXPECTED[rule])

    def test_set_boot_device(self):
        self.assert_rule(node_policy.NODE_SET_BOOT_DEVICE,
                         EXPECTED[node_policy.NODE_SET_BOOT_DEVICE])

    def test_validate(self):
        for rule in (node_policy.NODE_VALIDATE_GET,
                     node_policy.NODE_VALIDATE):
            self.assert_rule(rule, EXPECTED[rule])

    def test_set_debug_fields(self):
        self.assert_rule(node_policy.NODE_SET_DEBUG_FIELDS,
                         EXPECTED[node_policy.NODE_SET_DEBUG_FIELDS])

    def test_every_rule_is_tested(self):
        self.assertEqual({rule.name for rule in node_policy.list_rules()},
                         set(EXPECTED))

    def test_rules_document_their_endpoints(self):
        for rule in node_policy.list_rules():
            self.assertTrue(rule.operations, rule.name)
            self.assertEqual(['system', 'project'], rule.scope_types)
