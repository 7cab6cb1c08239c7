"""Translation of azure-core / azure-cosmos exceptions into ``followup.errors`` at the store boundary."""
from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

from followup.errors import ConfigError, FollowupError, ProposalNotFound, StaleWrite, StoreError, StoreUnavailable

F = TypeVar("F", bound=Callable[..., Any])

RETRYABLE_STATUS = {408, 429, 449, 500, 502, 503, 504}


def status_of(exc: BaseException) -> int | None:
    """HTTP status of a Cosmos response error, None for anything else."""
    from azure.cosmos.exceptions import CosmosHttpResponseError

    return exc.status_code if isinstance(exc, CosmosHttpResponseError) else None


def translate(exc: BaseException, what: str) -> FollowupError:
    """The product error for an SDK exception raised while doing ``what``."""
    from azure.core import exceptions as core
    from azure.cosmos.exceptions import CosmosHttpResponseError

    if isinstance(exc, CosmosHttpResponseError):
        status = exc.status_code
        detail = f"{what}: Cosmos DB answered {status}"
        if status == 404:
            return ProposalNotFound(f"{what}: not found")
        if status == 412:
            return StaleWrite(f"{what}: the document changed since it was read")
        if status == 409:
            return StaleWrite(f"{what}: the document already exists")
        if status in (401, 403):
            return ConfigError(f"{detail} (check the credential and its data-plane role)")
        if status is None or status in RETRYABLE_STATUS or status >= 500:
            return StoreUnavailable(f"{detail}; retry later")
        return StoreError(f"{detail} ({exc.message})")
    if isinstance(exc, core.ClientAuthenticationError):
        return ConfigError(f"{what}: cannot authenticate to Cosmos DB ({exc})")
    if isinstance(exc, (core.ServiceRequestError, core.ServiceResponseError, ConnectionError, TimeoutError)):
        return StoreUnavailable(f"{what}: Cosmos DB unreachable ({type(exc).__name__}); retry later")
    if isinstance(exc, core.AzureError):
        return StoreError(f"{what}: {exc}")
    raise TypeError(f"not an SDK error: {exc!r}")


def is_sdk_error(exc: BaseException) -> bool:
    from azure.core.exceptions import AzureError

    return isinstance(exc, (AzureError, ConnectionError, TimeoutError))


def boundary(what: str, translate_error: Callable[[BaseException, str], FollowupError] | None = None) -> Callable[[F], F]:
    """Decorator for public store methods: SDK exceptions leave as product errors (``raise ... from``),
    made by ``translate_error`` (default: ``translate``)."""
    to_product = translate_error or translate

    def wrap(func: F) -> F:
        @functools.wraps(func)
        def inner(self, *args, **kwargs):
            try:
                return func(self, *args, **kwargs)
            except FollowupError:
                raise
            except BaseException as exc:
                if not is_sdk_error(exc):
                    raise
                raise to_product(exc, f"{what} ({self.region})") from exc

        return inner  # type: ignore[return-value]

    return wrap
