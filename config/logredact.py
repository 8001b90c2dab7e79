"""Keep secrets out of logs: a calendar link's token is its only key, and logs travel further than URLs.

Used by Django's logging (settings.LOGGING) and by gunicorn's access and error logs
(`--logger-class config.logredact.GunicornLogger` in the Procfile).
"""

import logging
import re
from urllib.parse import unquote

# /calendar/feed/<token>.ics, also inside a full URL.
CALENDAR_TOKEN = re.compile(r"(/calendar/feed/)[^/\s?#\"']+")


def redact(text: str) -> str:
    clean = CALENDAR_TOKEN.sub(r"\1[redacted]", text)
    if "%" in clean:
        # gunicorn logs the request line as sent, and routes it decoded: /calendar%2Ffeed%2F<token>.ics
        # (or any letter percent-encoded) serves the feed, so the line is read decoded too.
        decoded = unquote(clean)
        if CALENDAR_TOKEN.search(decoded):
            clean = CALENDAR_TOKEN.sub(r"\1[redacted]", decoded)
    return clean


class RedactSecrets(logging.Filter):
    """Rewrite a record whose message holds a secret; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is the handler's problem, not this filter's
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


try:
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # gunicorn is only needed to serve
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger with the secrets filter on its access and error logs."""

        def setup(self, cfg):
            super().setup(cfg)
            for log in (self.access_log, self.error_log):
                log.addFilter(RedactSecrets())
