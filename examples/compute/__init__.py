"""compute: an example service built on async_api alone.

Not bare metal and not installed with async_api: servers that live
migrate and reboot, a Nova-shaped case (the asynchronous live-migration
checks). Run it with ``examples/`` on ``sys.path``; see README.rst and
doc/source/user/library.rst, which walks through these modules.
"""
