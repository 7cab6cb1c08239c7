"""Salesforce as the copilot's CRM: one query to read, one composite call to write.

Per approved proposal: 1 SOQL query (opportunity, account, contact roles, recent Tasks with their
idempotency markers) + 1 composite request (conditional Opportunity PATCH, sObject Collections for
the rest); a 412 costs one more query. Describes are loaded once per adapter in one batch call.
"""
from __future__ import annotations

import logging
from typing import Any, Callable
from urllib.parse import urlparse

from followup.adapters.salesforce import plan as planning
from followup.adapters.salesforce.auth import fetch_token, new_session
from followup.adapters.salesforce.errors import is_invalid_session, translate
from followup.adapters.salesforce.metadata import DESCRIBED_OBJECTS, OrgMetadata
from followup.adapters.salesforce.settings import SalesforceSettings
from followup.adapters.salesforce.soql import OpportunityState, contacts_query, opportunity_query
from followup.errors import CrmAuthError, CrmError, CrmUnavailable
from followup.ports import CrmWrite, WriteOutcome

log = logging.getLogger(__name__)


class SalesforceCrm:
    """``followup.ports.CrmPort`` over the Salesforce REST API (simple-salesforce underneath)."""

    def __init__(self, settings: SalesforceSettings, session=None, describes: dict[str, dict] | None = None):
        self.settings = settings
        self.session = session if session is not None else new_session(settings)
        self.api_calls = 0  # REST calls sent (token requests are counted in ``logins``)
        self.logins = 0
        self._sf = None
        self._meta = OrgMetadata(describes) if describes else None

    @property
    def label(self) -> str:
        host = urlparse(self._sf.base_url).hostname if self._sf is not None else self.settings.username.partition("@")[2]
        return f"{self.settings.label} ({host})" if host else self.settings.label

    # ------------------------------------------------------------------ transport
    def _login(self) -> None:
        from simple_salesforce import Salesforce

        token = fetch_token(self.session, self.settings)
        self.logins += 1
        # a session id (no login callable) means simple-salesforce never re-logs in on its own:
        # its re-login would re-send without per-call headers, so a 401 is handled in ``_call``.
        self._sf = Salesforce(instance_url=token.instance_url, session_id=token.access_token,
                              session=self.session, version=self.settings.api_version)

    def _call(self, what: str, send: Callable[[Any], Any]) -> Any:
        """Send one REST call; on INVALID_SESSION_ID refresh the token once and re-send it unchanged."""
        import requests
        from simple_salesforce.exceptions import SalesforceError

        if self._sf is None:
            self._login()
        refreshed = False
        while True:
            self.api_calls += 1
            try:
                return send(self._sf)
            except (SalesforceError, requests.RequestException, ValueError) as exc:
                if is_invalid_session(exc) and not refreshed:
                    refreshed = True
                    log.info("Salesforce session expired during %s; refreshing once", what)
                    self._login()
                    continue
                if is_invalid_session(exc):
                    raise CrmAuthError(f"Salesforce {what}: session still invalid after one refresh") from exc
                raise translate(exc, what) from exc

    def _timeout(self) -> dict:
        return {"timeout": self.settings.timeout_seconds}

    def _query(self, soql: str) -> dict:
        return self._call("query", lambda sf: sf.query(soql, **self._timeout()))

    def _composite(self, subrequests: list[dict]) -> dict:
        body = {"allOrNone": False, "compositeRequest": subrequests}
        answer = self._call("composite", lambda sf: sf.restful("composite", method="POST", json=body, **self._timeout()))
        if not isinstance(answer, dict):
            raise CrmUnavailable("Salesforce composite: empty answer")
        return answer

    # ------------------------------------------------------------------ metadata
    def metadata(self) -> OrgMetadata:
        """Describes of the objects the copilot touches, fetched once in one batch call."""
        if self._meta is None:
            version = self.settings.api_version
            body = {"batchRequests": [{"method": "GET", "url": f"v{version}/sobjects/{o}/describe"} for o in DESCRIBED_OBJECTS]}
            answer = self._call("describe", lambda sf: sf.restful("composite/batch", method="POST", json=body, **self._timeout()))
            describes = {}
            for name, result in zip(DESCRIBED_OBJECTS, (answer or {}).get("results", [])):
                if result.get("statusCode") == 200:
                    describes[name] = result["result"]
                elif result.get("statusCode", 500) >= 500:
                    raise CrmUnavailable(f"Salesforce describe {name} answered {result.get('statusCode')}")
            self._meta = OrgMetadata(describes)
        return self._meta

    def updateable(self, qualified_field: str) -> bool:
        return self.metadata().updateable(qualified_field)

    def picklist(self, qualified_field: str) -> list[str] | None:
        return self.metadata().picklist(qualified_field)

    def validate(self, qualified_field: str, value: Any) -> Any:
        """The value as Salesforce takes it; CrmRejected with the reason the org would refuse it."""
        return self.metadata().validate(qualified_field, value)

    # ------------------------------------------------------------------ reads
    def _read(self, opportunity_id: str, fields: list[tuple[str, str | None, str]]) -> OpportunityState:
        wanted: dict[str, set[str]] = {"Opportunity": set(), "Contact": set(), "Account": set()}
        for obj, _, name in fields:
            if obj in wanted and not (obj == "Contact" and name == "Role"):
                wanted[obj].add(name)
        state = OpportunityState.from_query(self._query(opportunity_query(
            opportunity_id, wanted["Opportunity"], wanted["Contact"], wanted["Account"])), opportunity_id)
        missing = sorted({rid for obj, rid, name in fields if obj == "Contact" and name != "Role" and rid
                          and (rid not in state.contacts or name not in state.contacts[rid])})
        if missing:
            state.add_contacts(self._query(contacts_query(missing, wanted["Contact"])))
        return state

    def snapshot(self, opportunity_id: str) -> dict:
        """Account, Opportunity and its contacts (with their roles on it) as a ``CrmSnapshot``-shaped dict
        (without ``call``) — one query."""
        return self._read(opportunity_id, []).snapshot()

    def current_values(self, opportunity_id, fields):
        state = self._read(opportunity_id, list(fields))
        return {(obj, rid, name): state.value(obj, opportunity_id if obj == "Opportunity" else rid, name)
                for obj, rid, name in fields}

    # ------------------------------------------------------------------ writes
    def apply(self, opportunity_id: str, writes: list[CrmWrite]) -> list[WriteOutcome]:
        if not writes:
            return []
        meta = self.metadata()
        touched = [(w.object, w.record_id, w.field) for w in writes if w.kind == "field" and w.field]
        state = self._read(opportunity_id, touched)
        plan = planning.build_plan(opportunity_id, writes, state, meta)
        refused: list[planning.Pending] = []
        if not plan.empty:
            subs = planning.subrequests(plan, self.settings.api_version)
            for start in range(0, len(subs), planning.COMPOSITE_MAX):
                chunk = subs[start:start + planning.COMPOSITE_MAX]
                try:
                    answer = self._composite(chunk)
                except CrmError as exc:
                    self._fail_unsettled(plan, chunk, exc)
                    continue
                refused += planning.read_answer(plan, answer)
        if refused:
            self._settle_refused(opportunity_id, plan, refused, writes)
        return [plan.settled.get(w.key) or WriteOutcome(
            key=w.key, status="failed", retryable=True, error="Salesforce gave no result for this write")
            for w in writes]

    def _fail_unsettled(self, plan: planning.Plan, chunk: list[dict], exc: CrmError) -> None:
        for sub in chunk:
            for pending in planning.pending_for(plan, sub["referenceId"]):
                for key in pending.keys:
                    plan.settle(WriteOutcome(key=key, status="failed", record_id=pending.record_id,
                                             error=str(exc), retryable=exc.retryable))

    def _settle_refused(self, opportunity_id: str, plan: planning.Plan, refused: list[planning.Pending],
                        writes: list[CrmWrite], retry: bool = True) -> None:
        """412: the record changed after it was read. Re-read; a field now equal to the approved value is
        committed, one that differs from ``before`` is a conflict, and the fields still as drafted are
        re-sent once under a fresh If-Unmodified-Since (another 412 makes them conflicts)."""
        by_key = {w.key: w for w in writes}
        keys = [k for p in refused for k in p.keys]
        try:
            state = self._read(opportunity_id, [(by_key[k].object, by_key[k].record_id, by_key[k].field) for k in keys])
        except CrmError as exc:
            for key in keys:
                plan.settle(WriteOutcome(key=key, status="failed", error=f"changed concurrently; re-read failed: {exc}",
                                         retryable=exc.retryable))
            return
        again = planning.Pending("Opportunity", opportunity_id, {})
        sent = {k: v for p in refused for k, v in p.values.items()}
        for key in keys:
            w = by_key[key]
            current = state.value(w.object, opportunity_id, w.field)
            if planning.same(current, w.after):
                plan.settle(WriteOutcome(key=key, status="committed", record_id=opportunity_id))
            elif retry and planning.same(current, w.before) and w.field in sent:
                again.values[w.field] = sent[w.field]
                again.keys.append(key)
            else:
                plan.settle(WriteOutcome(key=key, status="conflict", record_id=opportunity_id, current=current))
        if not again.keys:
            return
        second = planning.Plan(opportunity_id, opportunity=again,
                               unmodified_since=planning.http_date(state.opportunity["LastModifiedDate"]))
        try:
            still_refused = planning.read_answer(second, self._composite(planning.subrequests(second, self.settings.api_version)))
        except CrmError as exc:
            self._fail_unsettled(second, [{"referenceId": "opportunity"}], exc)
            still_refused = []
        plan.settled.update(second.settled)
        if still_refused:
            self._settle_refused(opportunity_id, plan, still_refused, writes, retry=False)
