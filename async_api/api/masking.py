"""Hide secrets in the bodies the API returns.

Stored values are never changed; only what is shown. A key is secret when
it is named as one (an operation's ``secret_params``) or when its name
contains one of :data:`SECRET_WORDS`, at any depth.
"""

MASK = '******'
SECRET_WORDS = ('password', 'secret', 'token', 'key')


def is_secret(key, extra_names=()):
    """Whether a value stored under ``key`` must not be shown."""
    if not isinstance(key, str):
        return False
    if key in extra_names:
        return True
    lowered = key.lower()
    return any(word in lowered for word in SECRET_WORDS)


def mask(value, extra_names=()):
    """A copy of ``value`` with every secret replaced by :data:`MASK`."""
    if isinstance(value, dict):
        return {key: (MASK if is_secret(key, extra_names)
                      else mask(item, extra_names))
                for key, item in value.items()}
    if isinstance(value, list):
        return [mask(item, extra_names) for item in value]
    return value
