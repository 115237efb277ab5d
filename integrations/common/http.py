"""A small JSON-over-HTTP client base shared by the sandbox clients (bank, tax cabinet): one aiohttp session, owned
or borrowed, with the retry settings; each client maps statuses to its own typed errors."""

from __future__ import annotations

from typing import Any, Self

import aiohttp

TRANSPORT_ERRORS = (aiohttp.ClientError, TimeoutError, ValueError)


class JsonServiceClient:
    """Pass a ``session`` to share one, else one is made on first use and closed by ``close``."""

    def __init__(
        self,
        base_url: str,
        *,
        session: aiohttp.ClientSession | None = None,
        attempts: int = 3,
        backoff: float = 0.5,
        timeout: float = 30.0,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._session = session
        self._own = session is None
        self._attempts = max(1, attempts)
        self._backoff = backoff
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._own and self._session is not None:
            await self._session.close()
            self._session = None

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def _exchange(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        """One request: the status and the decoded JSON body (raises one of ``TRANSPORT_ERRORS``)."""
        async with self._http().request(method, self._base + path, **kwargs) as response:
            payload: Any = await response.json(content_type=None)
            return response.status, payload


def error_fields(status: int, payload: Any) -> tuple[str, str]:
    """The ``error`` code and ``message`` of an error body (the status when the body has none)."""
    if isinstance(payload, dict):
        return str(payload.get("error", status)), str(payload.get("message", ""))
    return str(status), ""
