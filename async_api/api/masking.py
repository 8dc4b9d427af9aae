"""The masking of API bodies: :mod:`async_api.common.masking`.

Kept under this name for the controllers and types that import it; the
rules live in :mod:`async_api.common`, so that the log (see
:mod:`async_api.common.log_masking`) and the conductor's error reports
use the very same ones.
"""

from async_api.common.masking import is_secret  # noqa: F401
from async_api.common.masking import is_secret_path  # noqa: F401
from async_api.common.masking import mask  # noqa: F401
from async_api.common.masking import MASK  # noqa: F401
from async_api.common.masking import mask_text  # noqa: F401
from async_api.common.masking import SECRET_WORDS  # noqa: F401
