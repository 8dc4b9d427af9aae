"""A keystoneauth1 session for a script that has no ``clouds.yaml``.

The OpenStackClient plugin gets its session from the ``openstack``
command; a script or another service builds one here, with any
keystoneauth1 plugin by name:

* ``none``: no authentication (the embedded default's ``noauth``), the
  service's URL as ``endpoint``;
* ``http_basic``: ``username``, ``password`` and ``endpoint``;
* ``password``: Keystone (``auth_url``, ``username``, ``password``,
  ``project_name``, ``user_domain_name``, ``project_domain_name``); the
  service's URL then comes from the catalog, unless ``endpoint`` is given
  to :class:`~async_api.client.tasks.TaskClient`.
"""

from keystoneauth1 import loading
from keystoneauth1 import session as ks_session


def client_session(auth_type='none', verify=True, cert=None, timeout=None,
                   **auth_options):
    """A keystoneauth1 ``Session`` authenticated by plugin ``auth_type``.

    :param auth_options: the plugin's options, by their keystoneauth1
        names (``endpoint``, ``username``, ``auth_url``...).
    :param verify: TLS verification: True, False or a CA bundle's path.
    :param timeout: seconds for each HTTP request; ``None`` waits as
        long as the server takes (a ``Prefer: wait`` request takes up to
        the wait asked for).
    """
    loader = loading.get_plugin_loader(auth_type)
    auth = loader.load_from_options(**auth_options)
    return ks_session.Session(auth=auth, verify=verify, cert=cert,
                              timeout=timeout)
