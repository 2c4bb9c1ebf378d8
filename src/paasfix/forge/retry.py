"""How long to wait before asking a forge again after a rate limit or a server error.

The same :class:`Backoff` drives every forge client: python-gitlab and Gitea's plain requests
take it as a mounted adapter (:meth:`Backoff.session`), PyGithub as its ``retry`` argument
(:meth:`Backoff.urllib3_retry`). Tests pass a ``sleep`` that records instead of waiting.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Collection, Optional

if TYPE_CHECKING:
    import requests
    from urllib3 import BaseHTTPResponse
    from urllib3.util.retry import Retry

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class Backoff:
    """Bounded exponential backoff that honours ``Retry-After``."""

    attempts: int = 5
    """Requests in all, the first one included."""
    base: float = 1.0
    """The first wait; each next one doubles."""
    limit: float = 120.0
    """No single wait is longer, whatever ``Retry-After`` asks for."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)

    def delay(self, failures: int, retry_after: Optional[str] = None) -> float:
        """The wait after ``failures`` failed requests in a row."""
        wanted = _seconds(retry_after) if retry_after else None
        if wanted is None:
            wanted = self.base * 2 ** max(failures - 1, 0)
        return max(0.0, min(self.limit, wanted))

    def urllib3_retry(
        self, statuses: Collection[int] = RETRIED_STATUSES, rules: Optional[type[Retry]] = None
    ) -> Retry:
        """A urllib3 ``Retry`` that retries every method on ``statuses`` and on connection
        failures, waits through :attr:`sleep`, and raises once the attempts are spent (requests
        turns that into ``requests.exceptions.RetryError``).

        ``rules`` is a mixin for a forge whose rate limits need more than the status: its
        ``increment`` may refuse to retry an answer by raising, and its ``wait_hint(response)``
        replaces ``Retry-After`` as the wait the server asks for (GitHub's rate limits also
        answer 403, and name their end in ``x-ratelimit-reset``)."""
        from urllib3.util.retry import Retry

        backoff = self

        class _Waits(Retry):
            def wait_hint(self, response: BaseHTTPResponse) -> Optional[str]:
                hint: Optional[str] = response.headers.get("Retry-After")
                return hint

            def sleep(self, response: Optional[BaseHTTPResponse] = None) -> None:
                hint = self.wait_hint(response) if response is not None else None
                backoff.sleep(backoff.delay(len(self.history), hint))

        retry_class = type("BackoffRetry", (rules, _Waits) if rules else (_Waits,), {})
        retry: Retry = retry_class(
            total=self.attempts - 1,
            read=0,
            redirect=5,
            allowed_methods=None,
            status_forcelist=frozenset(statuses),
            respect_retry_after_header=True,
            raise_on_status=True,
            backoff_factor=0,
        )
        return retry

    def session(self) -> requests.Session:
        """A requests session whose HTTP and HTTPS requests retry with this backoff."""
        import requests
        from requests.adapters import HTTPAdapter

        session = requests.Session()
        adapter = HTTPAdapter(max_retries=self.urllib3_retry())
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session


def _seconds(value: str) -> Optional[float]:
    """A ``Retry-After`` value (seconds, or an HTTP date) as seconds from now."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.timestamp() - time.time()
