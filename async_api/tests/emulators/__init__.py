"""Real hardware peers for tests: an IPMI BMC and a Redfish service.

Each runs as a subprocess speaking its protocol on 127.0.0.1, so the
drivers under test talk to it over the network exactly as to hardware.
"""
