"""Translate simple-salesforce / requests failures into the product's CRM errors."""
from __future__ import annotations

from typing import Any

from followup.errors import CrmAuthError, CrmError, CrmRateLimited, CrmRejected, CrmUnavailable

RATE_CODES = {"REQUEST_LIMIT_EXCEEDED", "UNABLE_TO_LOCK_ROW"}


def error_codes(content: Any) -> list[str]:
    items = content if isinstance(content, list) else [content]
    return [str(i.get("errorCode")) for i in items if isinstance(i, dict) and i.get("errorCode")]


def messages(content: Any) -> str:
    items = content if isinstance(content, list) else [content]
    parts = [f"{i.get('errorCode')}: {i.get('message')}" if isinstance(i, dict) else str(i)[:300] for i in items]
    return "; ".join(parts)


def is_invalid_session(exc: Exception) -> bool:
    return getattr(exc, "status", None) == 401 and "INVALID_SESSION_ID" in error_codes(getattr(exc, "content", None))


def translate(exc: Exception, what: str) -> CrmError:
    """The CrmError for a failed call ``what`` (raise it ``from exc``)."""
    import requests
    from simple_salesforce.exceptions import SalesforceError

    if isinstance(exc, requests.RequestException):
        return CrmUnavailable(f"Salesforce {what}: connection failed ({type(exc).__name__}: {exc})")
    if isinstance(exc, ValueError):
        return CrmUnavailable(f"Salesforce {what}: unreadable answer ({exc})")
    if not isinstance(exc, SalesforceError):
        return CrmUnavailable(f"Salesforce {what}: {type(exc).__name__}: {exc}")
    status, content = exc.status, exc.content
    text = f"Salesforce {what} answered {status}: {messages(content)}"
    if RATE_CODES & set(error_codes(content)):
        return CrmRateLimited(text)
    if status == 401:
        return CrmAuthError(text)
    if status >= 500 or status in (408, 429):
        return CrmUnavailable(text)
    return CrmRejected(text)
