"""The ``openstack asyncapi ...`` commands (an OpenStackClient plugin).

``asyncapi``, not ``baremetal``: python-ironicclient owns ``openstack
baremetal ...``, and a user may have both installed.
"""
