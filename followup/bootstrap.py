"""Builds the service graph from settings. Every dependency can be overridden (tests, demo).

Nothing here runs at import; ``function_app.py`` and the CLI call ``bootstrap()`` lazily, once
per worker. An invalid policy stops start-up with ``PolicyError``.
"""
from __future__ import annotations

import datetime as dt
import functools
import time
from typing import Any, Callable

from followup.config import Settings, load_settings
from followup.domain import events as ev
from followup.domain.proposal import Proposal, RecapDraft
from followup.domain.snapshot import CrmSnapshot
from followup.errors import ProposalNotFound
from followup.services import brief as brief_service
from followup.services import commit, decisions, ingest, timeouts
from followup.services.commit import raise_exception
from followup.services.decisions import Actor
from followup.services.evidence import bundle_digest, evidence_bundle
from governance.policy import TrustLayer, load_policy
from governance.residency import region_for


class App:
    def __init__(self, settings: Settings, policy: TrustLayer, store_factory: Callable[[str], Any], crm: Any,
                 extractor: Any = None, recap_drafter: Callable | None = None, clock: Callable[[], dt.datetime] | None = None,
                 evidence_archive: Any = None, snippet_index_factory: Callable[[str], Any] | None = None):
        self.settings = settings
        self.policy = policy
        self.crm = crm
        self.regions = policy.regions.all_regions
        self._store_factory = store_factory
        self._stores: dict[str, Any] = {}
        self._extractor = extractor
        self._recap_drafter = recap_drafter
        self._evidence_archive = evidence_archive
        self._snippet_index_factory = snippet_index_factory
        self._snippet_indexes: dict[str, Any] = {}
        self.clock = clock or (lambda: dt.datetime.now(dt.timezone.utc))
        self.proposal_ready: list[Callable[[Proposal], None]] = []  # e.g. the bot's proactive send
        self.finance_notifier: Callable | None = None

    # ------------------------------------------------------------- wiring
    def store(self, region: str):
        if region not in self.regions:
            from followup.errors import ResidencyViolation

            raise ResidencyViolation(f"unknown region {region!r} (policy regions: {self.regions})")
        if region not in self._stores:
            from followup.services.audit_trail import PolicyAuditedStore

            self._stores[region] = PolicyAuditedStore(self._store_factory(region), self.policy)
        return self._stores[region]

    @property
    def home_store(self):
        """Region-neutral data (Teams conversation references) lives in the default region."""
        return self.store(self.policy.regions.default_region)

    @property
    def extractor(self):
        if self._extractor is None:
            if self.settings.llm == "offline":
                from followup.drafting.rules import RuleExtractor

                self._extractor = RuleExtractor()
            else:
                from followup.adapters.llm_openai import llm_extractor_for

                self._extractor = llm_extractor_for(self)
        return self._extractor

    @property
    def evidence_archive(self):
        if self._evidence_archive is None:
            from followup.adapters.evidence_archive import DirectoryEvidenceArchive

            mirror = self.settings.evidence_dir or self.settings.data_dir / "evidence"
            self._evidence_archive = DirectoryEvidenceArchive(self.policy.logging.evidence_store, mirror)
        return self._evidence_archive

    def snippet_index(self, region: str):
        """Where recaps of ``region`` search the playbook: that region's own Cosmos DB account when
        ``FOLLOWUP_COSMOS_ENDPOINT_<REGION>`` is set (the playbook is synced there on first use), else
        None, the recap's embedded FTS5 index. One per region, built without network access."""
        if region not in self._snippet_indexes:
            factory = self._snippet_index_factory
            self._snippet_indexes[region] = factory(region) if factory is not None else None
        return self._snippet_indexes[region]

    def _production_recap_drafter(self, checks: tuple[str, ...]) -> Callable:
        from followup.drafting.recap import draft_recap

        drafter = functools.partial(draft_recap, checks=checks)

        def draft(extraction, snapshot, transcript):
            index = self.snippet_index(self.region_for(snapshot))  # an EU call searches the EU account
            if index is None:
                return drafter(extraction, snapshot, transcript)
            return drafter(extraction, snapshot, transcript, index=index)

        return draft

    def draft_recap(self, extraction, snapshot, transcript) -> RecapDraft | None:
        """``actions.recap_email``: drafted only when enabled, with the policy's content checks,
        sent from the rep's address (``rep_primary``), timed against ``sla_ms``. Playbook lines come
        from ``snippet_index`` of the account's region; when that search fails the recap uses its
        embedded index and logs a warning."""
        action = self.policy.actions.recap_email
        if not action.enabled:
            return None
        if self._recap_drafter is None:
            self._recap_drafter = self._production_recap_drafter(tuple(action.content_checks))
        started = time.perf_counter()
        draft = self._recap_drafter(extraction, snapshot, transcript)
        return draft.model_copy(update={"sender": snapshot.call.rep.email or draft.sender,
                                        "draft_ms": round((time.perf_counter() - started) * 1000)})

    def region_for(self, snapshot: CrmSnapshot) -> str:
        return region_for(self.policy, snapshot.Account.BillingCountry)

    # ---------------------------------------------------------- use cases
    def ingest(self, transcript_text: str, snapshot: CrmSnapshot, source: str = "transcript") -> Proposal:
        from followup.drafting.transcript import parse_transcript

        transcript = parse_transcript(transcript_text, source=source)
        region = self.region_for(snapshot)
        extraction = self.extractor.extract(transcript, snapshot)
        recap = self.draft_recap(extraction, snapshot, transcript)
        proposal = ingest.build_proposal(extraction, snapshot, recap, self.policy, self.crm, region, now=self.clock())
        bundle = evidence_bundle(proposal, transcript_text, self.policy)
        uri = self.evidence_archive.put(region, proposal.id, bundle)
        proposal.record(ev.EVIDENCE_ARCHIVED, uri=uri, sha256=bundle_digest(bundle), items=len(bundle["items"]))
        sla_missed = recap is not None and recap.draft_ms > self.policy.actions.recap_email.sla_ms
        if sla_missed:
            proposal.record(ev.RECAP_SLA_MISSED, draft_ms=recap.draft_ms, sla_ms=self.policy.actions.recap_email.sla_ms)
        proposal.send_for_approval()
        store = self.store(region)
        store.add_with_events(proposal)
        if sla_missed:
            raise_exception(store, self.policy, proposal, "recap_sla_missed",
                            f"recap drafted in {recap.draft_ms} ms (sla_ms {self.policy.actions.recap_email.sla_ms})", self.clock())
        for callback in self.proposal_ready:
            callback(proposal)
        return proposal

    def find(self, proposal_id: str) -> tuple[Any, Proposal]:
        for region in self.regions:
            try:
                store = self.store(region)
                return store, store.get(proposal_id)
            except ProposalNotFound:
                continue
        raise ProposalNotFound(f"no proposal {proposal_id!r}")

    def get(self, proposal_id: str) -> Proposal:
        return self.find(proposal_id)[1]

    def actor_for(self, user_id: str, name: str = "", group_ids: tuple[str, ...] = ()) -> Actor:
        """Roles come from ``FOLLOWUP_ROLE_MAP`` (Entra group or user object id → role); everyone
        signed in holds the default role (AE), which only counts on their own proposals."""
        roles = {self.settings.default_role} if self.settings.default_role else set()
        for key in (user_id, *group_ids):
            if key in self.settings.role_map:
                roles.add(self.settings.role_map[key])
        return Actor(user_id=user_id, name=name, roles=roles)

    def decide(self, proposal_id: str, item_id: str, action: str, actor: Actor, value=None,
               reason_code: str | None = None, reason_text: str | None = None) -> Proposal:
        store, _ = self.find(proposal_id)
        return decisions.decide(store, self.policy, proposal_id, item_id, action, actor, value, reason_code, reason_text,
                                picklist=self.crm.picklist, notify_finance=self.finance_notifier, now=self.clock())

    def approve_all(self, proposal_id: str, actor: Actor) -> tuple[Proposal, int]:
        store, _ = self.find(proposal_id)
        return decisions.approve_all(store, self.policy, proposal_id, actor, now=self.clock())

    def recap_sent(self, proposal_id: str, actor: Actor) -> Proposal:
        store, _ = self.find(proposal_id)
        return decisions.mark_recap_sent(store, proposal_id, actor, now=self.clock())

    def pending_for(self, user_id: str) -> list[Proposal]:
        out = []
        for region in self.regions:
            out += [p for p in self.store(region).list(timeouts.OPEN) if p.rep_user_id == user_id]
        return out

    def commit_due(self) -> list[Proposal]:
        return [p for region in self.regions for p in commit.process_outbox(self.store(region), self.crm, self.policy, self.clock())]

    def sweep(self) -> list[Proposal]:
        return [p for region in self.regions for p in timeouts.sweep_timeouts(self.store(region), self.policy, self.clock())]

    def purge_logs(self) -> dict[str, int]:
        """``logging.retention_days``: prompt-log entries and evidence bundles older than it are deleted."""
        now = self.clock()
        purged = {region: timeouts.purge_prompt_log(self.store(region), self.policy, now) for region in self.regions}
        cutoff = now - dt.timedelta(days=self.policy.logging.retention_days)
        purged["evidence"] = self.evidence_archive.purge_older_than(cutoff)
        return purged

    def brief(self, hours: int = 24) -> brief_service.Brief:
        end = self.clock()
        proposals = [p for region in self.regions for p in self.store(region).list(limit=100000)]
        exceptions = [e for region in self.regions for e in self.store(region).open_exceptions()]
        return brief_service.build_brief(proposals, exceptions, self.policy, end - dt.timedelta(hours=hours), end)


def _salesforce(settings: Settings):
    from followup.adapters.salesforce import SalesforceCrm, SalesforceSettings

    return SalesforceCrm(SalesforceSettings(
        username=settings.sf_username, consumer_key=settings.sf_consumer_key, private_key_pem=settings.sf_private_key,
        consumer_secret=settings.sf_consumer_secret, password=settings.sf_password,
        security_token=settings.sf_security_token or "", domain=settings.sf_domain,
        instance_url=settings.sf_instance_url, api_version=settings.sf_api_version))


def bootstrap(settings: Settings | None = None, *, policy: TrustLayer | None = None, store_factory=None,
              crm=None, extractor=None, recap_drafter=None, clock=None, evidence_archive=None,
              snippet_index_factory=None) -> App:
    settings = settings or load_settings()
    policy = policy or load_policy(settings.policy_path)
    if store_factory is None:
        if settings.store == "cosmos":
            from followup.adapters.cosmos_store import cosmos_store_factory

            store_factory = cosmos_store_factory(settings)
        else:
            from followup.adapters.sqlite_store import SqliteRegionStore

            data_dir = settings.data_dir
            store_factory = lambda region: SqliteRegionStore(data_dir / f"{region}.sqlite", region)  # noqa: E731
    if crm is None:
        if settings.salesforce_configured:
            crm = _salesforce(settings)
        else:
            from followup.adapters.sandbox_crm import SandboxCrm

            crm = SandboxCrm(settings.data_dir / "sandbox_crm.sqlite")
    if snippet_index_factory is None and any(settings.region_setting("cosmos_endpoint", r) for r in policy.regions.all_regions):
        from followup.adapters.cosmos_snippets import cosmos_snippet_index_factory
        from followup.drafting.voice import load_voice

        snippet_index_factory = cosmos_snippet_index_factory(settings, playbook=lambda: load_voice().snippets)
    return App(settings, policy, store_factory, crm, extractor, recap_drafter, clock, evidence_archive, snippet_index_factory)
