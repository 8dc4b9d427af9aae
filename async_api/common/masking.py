"""Hide secrets in what the API returns and the log writes: one path.

Stored values are never changed; only what is shown. A value is secret
when its key is named as one (an operation's ``secret_params``) or when
the key contains one of :data:`SECRET_WORDS`, at any depth
(``ipmi_password``, ``bmc_pass``, ``extra.api_token``). In every string
that is shown, whatever its key, credentials in a URL
(``http://admin:PW@bmc``) and ``password=...``-style pairs are masked
too (oslo.utils' ``mask_password``): a driver error or an address may
carry them.
"""

import re

from oslo_utils import strutils

MASK = '******'
#: Substrings of key names whose values are never shown.
SECRET_WORDS = ('pass', 'pwd', 'pswd', 'secret', 'token', 'key',
                'credential', 'private')

_URL_CREDENTIALS = re.compile(
    r'(?P<prefix>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^@/\s]*@')
# A quoted key naming a secret and its quoted value, as JSON and Python's
# repr of a dict write them ('bmc_pass': 'x'), which mask_password
# misses for keys outside its own list.
_QUOTED_PAIR = re.compile(
    r'''(?P<key>(?P<q>["'])[^"'\s]*(?:%s)[^"'\s]*(?P=q)\s*:\s*)'''
    r'''(?P<vq>["'])(?:\\.|(?!(?P=vq)).)*(?P=vq)'''
    % '|'.join(SECRET_WORDS), re.IGNORECASE)


def is_secret(key, extra_names=()):
    """Whether a value stored under ``key`` must not be shown."""
    if not isinstance(key, str):
        return False
    if key in extra_names:
        return True
    lowered = key.lower()
    return any(word in lowered for word in SECRET_WORDS)


def mask_text(text):
    """``text`` with URL credentials and secret pairs masked.

    Pairs: ``password=...`` and the like (oslo.utils' list), and a quoted
    key naming a secret (:data:`SECRET_WORDS`) with its quoted value.
    """
    if not isinstance(text, str):
        return text
    text = _URL_CREDENTIALS.sub(r'\g<prefix>:%s@' % MASK, text)
    text = _QUOTED_PAIR.sub(r'\g<key>\g<vq>%s\g<vq>' % MASK, text)
    return strutils.mask_password(text, secret=MASK)


def mask(value, extra_names=()):
    """A copy of ``value`` with every secret replaced by :data:`MASK`."""
    if isinstance(value, dict):
        return {key: (MASK if is_secret(key, extra_names)
                      else mask(item, extra_names))
                for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item, extra_names) for item in value]
    return mask_text(value)


def is_secret_path(segments, extra_names=()):
    """Whether a JSON pointer's segments reach into a secret value."""
    return any(is_secret(segment, extra_names) for segment in segments)
