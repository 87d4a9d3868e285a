"""Scrapy's RetryMiddleware with exponential backoff: a struggling server gets time to recover.

Scrapy retries at once; we wait ``NEWSCORPUS_RETRY_BACKOFF * 2**(attempt-1)`` seconds (capped by
``NEWSCORPUS_RETRY_BACKOFF_MAX``) before handing the retry back to the scheduler.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.backoff = settings.getfloat("NEWSCORPUS_RETRY_BACKOFF")
        self.backoff_max = settings.getfloat("NEWSCORPUS_RETRY_BACKOFF_MAX")

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        return min(self.backoff * 2 ** (attempt - 1), self.backoff_max)

    async def process_response(self, request, response):
        result = super().process_response(request, response)
        return await self._wait_if_retry(result)

    async def process_exception(self, request, exception):
        result = super().process_exception(request, exception)
        return await self._wait_if_retry(result)

    async def _wait_if_retry(self, result):
        if isinstance(result, Request) and self.backoff > 0:
            await sleep(self.delay(result.meta.get("retry_times", 1)))
        return result
