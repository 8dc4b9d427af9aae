"""The OpenStackClient plugin module (entry point ``openstack.cli.extension``).

``openstack`` imports this module on every run, whatever the command, so
it imports nothing heavy: the client is built on first use.
"""

from osc_lib import utils

API_NAME = 'asyncapi'
API_VERSION_OPTION = 'os_asyncapi_api_version'
API_VERSIONS = {'1': 'async_api.baremetal.client.nodes.NodeClient'}
DEFAULT_API_VERSION = '1'


def make_client(instance):
    """The :class:`~async_api.baremetal.client.nodes.NodeClient` for
    ``instance`` (osc-lib's ClientManager): its session, and the endpoint
    of ``--os-endpoint`` (auth types ``none`` and ``http_basic``), of the
    ``asyncapi_endpoint_override`` setting, or of the catalog.
    """
    from async_api.baremetal.client import nodes

    endpoint = instance.get_endpoint_for_service_type(
        nodes.SERVICE_TYPE, region_name=instance.region_name,
        interface=instance.interface)
    return nodes.client(instance.session, endpoint=endpoint,
                        interface=instance.interface,
                        region_name=instance.region_name)


def build_option_parser(parser):
    """The global option OpenStackClient asks every plugin for."""
    parser.add_argument(
        '--os-asyncapi-api-version', metavar='<version>',
        default=utils.env('OS_ASYNCAPI_API_VERSION',
                          default=DEFAULT_API_VERSION),
        choices=sorted(API_VERSIONS),
        help='async_api API version (default: %s; Env: '
             'OS_ASYNCAPI_API_VERSION)' % DEFAULT_API_VERSION)
    return parser
