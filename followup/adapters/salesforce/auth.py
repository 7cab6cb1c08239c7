"""OAuth token requests (JWT bearer, username-password) and the HTTP session the adapter uses."""
from __future__ import annotations

import time
from dataclasses import dataclass

import requests

from followup.adapters.salesforce.settings import SalesforceSettings
from followup.errors import CrmAuthError, CrmUnavailable

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


@dataclass(frozen=True)
class Token:
    access_token: str
    instance_url: str


def new_session(settings: SalesforceSettings) -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # no proxy / netrc / CA bundle from the environment
    session.verify = settings.verify
    return session


def jwt_assertion(settings: SalesforceSettings, now: float | None = None) -> str:
    import jwt  # PyJWT

    issued = int(now if now is not None else time.time())
    claims = {"iss": settings.consumer_key, "sub": settings.username, "aud": settings.audience, "exp": issued + 180}
    try:
        return jwt.encode(claims, settings.private_key_pem, algorithm="RS256")
    except (ValueError, TypeError, jwt.PyJWTError) as exc:
        raise CrmAuthError(f"cannot sign the Salesforce JWT assertion: {exc}") from exc


def token_form(settings: SalesforceSettings) -> dict[str, str]:
    if settings.flow == "jwt-bearer":
        return {"grant_type": JWT_GRANT, "assertion": jwt_assertion(settings)}
    return {"grant_type": "password", "client_id": settings.consumer_key, "client_secret": settings.consumer_secret or "",
            "username": settings.username, "password": (settings.password or "") + settings.security_token}


def fetch_token(session: requests.Session, settings: SalesforceSettings) -> Token:
    """Ask the token endpoint for an access token; CrmAuthError when refused, CrmUnavailable when unreachable."""
    url = settings.oauth_token_url
    try:
        response = session.post(url, data=token_form(settings), timeout=settings.timeout_seconds)
    except requests.RequestException as exc:
        raise CrmUnavailable(f"Salesforce login endpoint {url} unreachable: {exc}") from exc
    if response.status_code >= 500:
        raise CrmUnavailable(f"Salesforce login endpoint answered {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or "access_token" not in body:
        detail = body.get("error_description") or body.get("error") or response.text[:200]
        raise CrmAuthError(f"Salesforce login ({settings.flow}) for {settings.username} refused: {detail}")
    instance_url = settings.instance_url or body.get("instance_url")
    if not instance_url:
        raise CrmAuthError("Salesforce token response has no instance_url")
    return Token(access_token=body["access_token"], instance_url=instance_url)
