"""Every log line through the one masking path.

A node's ``driver_info`` holds BMC passwords, its Redfish address may
carry ``http://admin:PW@host``, and a database error quotes the
statement's parameters: any of them can reach a log line at DEBUG (a
library's request log, an exception's text, a traceback). The masking
rules are the API's (:func:`async_api.common.masking.mask_text`), applied
in two places by :func:`install`:

* the record factory of :mod:`logging`: each record's message is masked
  once, when it is made, whoever logs it and whichever handler writes
  it, handlers added later included (a test's capture, say);
* the formatters of the root logger's handlers at install time (those
  ``oslo_log.log.setup`` made): the whole formatted line is masked, so
  that a traceback, or the exception summary oslo.log appends to a
  warning, is masked too.

A record is only made for a level its logger has enabled, so the cost is
one pass of a few regular expressions per line written.
"""

import logging

from async_api.common import masking

_INSTALLED = '_async_api_masking'


def _mask_record(record):
    try:
        message = record.getMessage()
    except Exception:
        # A broken format string: leave it to logging's own report.
        return record
    record.msg = masking.mask_text(message)
    record.args = None
    return record


def _masking_factory(factory):
    def make(*args, **kwargs):
        return _mask_record(factory(*args, **kwargs))
    setattr(make, _INSTALLED, True)
    return make


class MaskingFormatter(logging.Formatter):
    """Wraps a formatter; masks what it writes (tracebacks included)."""

    def __init__(self, formatter):
        super().__init__()
        self.formatter = formatter or logging.Formatter()

    def format(self, record):
        return masking.mask_text(self.formatter.format(record))

    def formatTime(self, record, datefmt=None):
        return self.formatter.formatTime(record, datefmt)

    def formatException(self, ei):
        return masking.mask_text(self.formatter.formatException(ei))


def install(logger=None):
    """Mask every record made from now on, and ``logger``'s handlers.

    :param logger: whose handlers' formatters are wrapped; the root
        logger by default. Call after logging is set up (after
        ``oslo_log.log.setup``); calling again wraps handlers added
        since, and nothing twice.
    """
    factory = logging.getLogRecordFactory()
    if not getattr(factory, _INSTALLED, False):
        logging.setLogRecordFactory(_masking_factory(factory))
    logger = logger or logging.getLogger()
    for handler in logger.handlers:
        if not isinstance(handler.formatter, MaskingFormatter):
            handler.setFormatter(MaskingFormatter(handler.formatter))
