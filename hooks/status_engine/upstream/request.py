"""What one request asks for and what it gets back, shared by `fetch` (which decides what to
ask) and `http_exchange` (which does one request): the Accept header, the limits every attempt
runs under, and the answer. No socket code here, so `fetch` can use these types without paying
for the socket code when a build reads a file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from ..errors import UpstreamError

ACCEPT = ("application/json, application/atom+xml, application/rss+xml, "
          "application/xml;q=0.9, */*;q=0.1")


class Limits(NamedTuple):
    """What one fetch may spend, shared by all its attempts and redirect hops."""

    source: str  # named in every error message
    deadline: float
    budget: float  # seconds from the start of the fetch to the deadline, for messages
    connect_timeout: float
    read_timeout: float
    max_bytes: int
    user_agent: str
    clock: Callable[[], float]

    def remaining(self) -> float:
        return self.deadline - self.clock()

    def fail(self, cause: str) -> UpstreamError:
        return UpstreamError(f"{self.source}: {' '.join(cause.split())}")

    def deadline_error(self) -> UpstreamError:
        return self.fail(f"no answer within the {self.budget:.3g} s deadline")


class Answer(NamedTuple):
    """One HTTP answer: a redirect, an error status, or a 2xx with its capped body."""

    status: int
    url: str
    content_type: str
    body: bytes  # read only for 2xx answers
    location: str | None
    retry_after: str | None
