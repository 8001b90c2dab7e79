"""The message broker as the web app sees it: a cheap health check, and enqueueing that never raises."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

log = logging.getLogger(__name__)

_CACHE_KEY = "outreach:broker-up"
CHECK_EVERY_SECONDS = 30


def ping_broker(*, timeout: float = 0.5) -> bool:
    """Return whether the Redis broker answers PING within the timeout."""
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return True  # only Redis is checked; other transports are trusted
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False
    finally:
        client.close()


def broker_is_up() -> bool:
    """Return the broker's health, checked at most once per CHECK_EVERY_SECONDS per process."""
    up = cache.get(_CACHE_KEY)
    if up is None:
        up = ping_broker()
        cache.set(_CACHE_KEY, up, CHECK_EVERY_SECONDS)
    return up


def enqueue(task, *args) -> bool:
    """Send a Celery task now; log and return False instead of raising when the broker is down."""
    try:
        # A short retry: a request must not hang on a dead broker.
        task.apply_async(args=args, retry=True, retry_policy={"max_retries": 1, "interval_start": 0.2})
    except Exception:  # kombu raises several types (OperationalError, ConnectionError, socket errors)
        log.warning("Broker unreachable; %s%r not queued, the next sweep picks it up", task.name, args,
                    exc_info=True)
        cache.set(_CACHE_KEY, False, CHECK_EVERY_SECONDS)
        return False
    return True


def enqueue_on_commit(task, *args) -> None:
    """Send a Celery task once the current transaction commits; never raise into the request."""
    transaction.on_commit(lambda: enqueue(task, *args))
