"""One exception root for the whole product.

Adapters translate third-party errors (Salesforce, Cosmos, OpenAI, Bot Framework) into this tree
at their boundary (``raise CrmConflict(...) from exc``); nothing above the adapters sees an SDK
exception.

FollowupError
├── ConfigError                 settings or environment unusable
│   └── PolicyError             trust-layer policy invalid (``.problems`` lists path: message)
├── InputError                  bad input from a user or upstream system
│   ├── TranscriptError         missing, empty or unparseable transcript
│   ├── SnapshotError           CRM snapshot missing or malformed
│   └── CardPayloadError        card action names something the proposal does not hold
├── DomainError                 a rule of the Proposal aggregate was broken
│   ├── IllegalTransition       lifecycle move not in the transition table
│   ├── UnknownItem             change/task id not in the proposal
│   └── ProposalNotFound
├── GovernanceError             the trust layer refuses
│   ├── NotAuthorized           approver lacks the role, or field not allowlisted
│   ├── DecisionClosed          decision after expiry / after a final decision
│   └── ResidencyViolation      data would cross regions
└── AdapterError                an external system failed
    ├── StoreError
    │   ├── StoreUnavailable    (retryable)
    │   └── StaleWrite          optimistic-concurrency check failed
    ├── CrmError
    │   ├── CrmUnavailable      outage or timeout (retryable)
    │   ├── CrmRateLimited      REQUEST_LIMIT_EXCEEDED / UNABLE_TO_LOCK_ROW (retryable)
    │   ├── CrmRejected         validation rule, FLS, bad value (shown to the rep)
    │   ├── CrmConflict         the record changed since the proposal was drafted
    │   └── CrmAuthError        login failed / session could not be refreshed
    ├── LlmError                model call failed or answered malformed output
    └── DeliveryError           Teams send failed (``.status`` 403 = uninstalled, 429 = throttled)
"""
from __future__ import annotations


class FollowupError(Exception):
    exit_code = 1
    retryable = False


class ConfigError(FollowupError):
    exit_code = 2


class PolicyError(ConfigError):
    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: invalid policy: " + "; ".join(self.problems))


class InputError(FollowupError):
    exit_code = 2


class TranscriptError(InputError):
    pass


class SnapshotError(InputError):
    pass


class CardPayloadError(InputError):
    pass


class DomainError(FollowupError):
    pass


class IllegalTransition(DomainError):
    pass


class UnknownItem(DomainError):
    pass


class ProposalNotFound(DomainError):
    pass


class GovernanceError(FollowupError):
    pass


class NotAuthorized(GovernanceError):
    pass


class DecisionClosed(GovernanceError):
    pass


class ResidencyViolation(GovernanceError):
    pass


class AdapterError(FollowupError):
    pass


class StoreError(AdapterError):
    pass


class StoreUnavailable(StoreError):
    retryable = True


class StaleWrite(StoreError):
    pass


class CrmError(AdapterError):
    pass


class CrmUnavailable(CrmError):
    retryable = True


class CrmRateLimited(CrmError):
    retryable = True


class CrmRejected(CrmError):
    pass


class CrmConflict(CrmError):
    pass


class CrmAuthError(CrmError):
    pass


class LlmError(AdapterError):
    retryable = True


class DeliveryError(AdapterError):
    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status
        self.retryable = status in (429, 500, 502, 503, 504)
