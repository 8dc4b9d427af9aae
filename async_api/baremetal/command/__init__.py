"""The service's commands (``async-api-*``).

Importing the package quiets two warnings that third-party imports print
on every start and that no operator can act on: futurist imports
eventlet whenever it is installed (oslo.messaging brings it), and eventlet
warns that it is deprecated, and its dnspython that DSA keys are. This
service never uses eventlet. Only the commands do this: the library
leaves a process's warning filters to the program that imports it.
"""

import warnings

warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
warnings.filterwarnings('ignore', message='DSA is deprecated',
                        module=r'dns\.')
