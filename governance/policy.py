"""Pydantic model of the ``trust_layer`` policy, with semantic checks, and its loader.

Every key of the seed policy is modelled; unknown keys are errors. Problems are reported with
the exact path (``approvals.high_risk_fields[0].confidence_min: ...``).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from followup.errors import PolicyError

FIELD_RE = re.compile(r"^[A-Z][A-Za-z0-9]*\.(\*|[A-Z][A-Za-z0-9_]*)$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
REGION_RE = re.compile(r"^[a-z]{2}-[a-z]+(-\d+)?$")
KNOWN_METRICS = ("field_update_acceptance_rate", "next_step_coverage", "time_to_send_recap_ms")
PII_ENTITIES = Literal["PERSON", "EMAIL", "PHONE", "ADDRESS"]
CONTENT_CHECKS = Literal["brand_tone", "claims_policy", "pii_mask"]
ADDITIONAL_STEPS = Literal["FinanceNotify"]
ROUTABLE_FIELDS = Literal["Account.BillingCountry"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _email(value: str) -> str:
    if not EMAIL_RE.match(value):
        raise ValueError(f"not an email address: {value!r}")
    return value


class Owners(Strict):
    revops_owner: str
    sales_ops_owner: str
    security_reviewer: str

    _check = field_validator("revops_owner", "sales_ops_owner", "security_reviewer")(_email)


class RoutingRule(Strict):
    field: ROUTABLE_FIELDS
    match: list[str] = Field(min_length=1)
    route_to: str

    @field_validator("match")
    @classmethod
    def _countries(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not COUNTRY_RE.match(v)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {bad}")
        if len(set(values)) != len(values):
            raise ValueError("duplicate country codes")
        return values

    @field_validator("route_to")
    @classmethod
    def _region(cls, value: str) -> str:
        if not REGION_RE.match(value):
            raise ValueError(f"not a region name like 'eu-west': {value!r}")
        return value


class Regions(Strict):
    default_region: str
    routing_rules: list[RoutingRule] = Field(default_factory=list)

    @field_validator("default_region")
    @classmethod
    def _region(cls, value: str) -> str:
        return RoutingRule._region(value)

    @property
    def all_regions(self) -> list[str]:
        seen = [self.default_region]
        for rule in self.routing_rules:
            if rule.route_to not in seen:
                seen.append(rule.route_to)
        return seen


def _field_name(value: str) -> str:
    if not FIELD_RE.match(value):
        raise ValueError(f"not an 'Object.Field' name: {value!r}")
    return value


class Role(Strict):
    name: str = Field(min_length=1)
    write_allowlist: list[str]

    @field_validator("write_allowlist")
    @classmethod
    def _fields(cls, values: list[str]) -> list[str]:
        for value in values:
            _field_name(value)
        return values


class Rbacs(Strict):
    roles: list[Role] = Field(min_length=1)

    @field_validator("roles")
    @classmethod
    def _unique(cls, roles: list[Role]) -> list[Role]:
        names = [r.name for r in roles]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate role names: {dupes}")
        return roles


class DefaultApproval(Strict):
    confidence_min: float = Field(ge=0, le=1)
    approver_role: str
    timeout_minutes: int = Field(gt=0, le=60 * 24 * 30)
    fallback: Literal["no_commit"]


class HighRiskField(Strict):
    field: str
    confidence_min: float = Field(ge=0, le=1)
    approver_role: str
    additional_step: ADDITIONAL_STEPS | None = None

    _check = field_validator("field")(_field_name)


class Approvals(Strict):
    default: DefaultApproval
    high_risk_fields: list[HighRiskField] = Field(default_factory=list)


class PiiRules(Strict):
    detect_entities: list[PII_ENTITIES]
    redact_in_logs: bool


class Logging(Strict):
    prompt_logging: bool
    field_diffs: bool
    retention_days: int = Field(gt=0, le=3650)
    evidence_store: str = Field(pattern=r"^[a-z][a-z0-9+.-]*://\S+$")


class RecapEmailAction(Strict):
    enabled: bool
    email_from: Literal["rep_primary"]
    sla_ms: int = Field(gt=0)
    content_checks: list[CONTENT_CHECKS]


class ChangeWindow(Strict):
    start_utc: str
    end_utc: str
    weekdays_only: bool

    @field_validator("start_utc", "end_utc")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not TIME_RE.match(value):
            raise ValueError(f"not a 24-hour HH:MM time: {value!r}")
        return value

    @property
    def start(self) -> dt.time:
        return dt.time.fromisoformat(self.start_utc)

    @property
    def end(self) -> dt.time:
        return dt.time.fromisoformat(self.end_utc)

    @model_validator(mode="after")
    def _non_empty(self) -> "ChangeWindow":
        if self.start_utc == self.end_utc:
            raise ValueError("start_utc and end_utc are equal: the window would be empty")
        return self


class CrmUpdatesAction(Strict):
    enabled: bool
    objects: list[Literal["Opportunity", "Task", "Contact", "Activity", "Account", "Event"]]
    batch_commit: bool
    change_window: ChangeWindow


class Actions(Strict):
    recap_email: RecapEmailAction
    crm_updates: CrmUpdatesAction


class Metric(Strict):
    name: Literal["field_update_acceptance_rate", "next_step_coverage", "time_to_send_recap_ms"]
    target: float = Field(ge=0)


class Alerting(Strict):
    channel: str = Field(min_length=1)
    thresholds: dict[str, float]


class Telemetry(Strict):
    metrics: list[Metric]
    alerting: Alerting

    def target(self, name: str) -> float | None:
        return next((m.target for m in self.metrics if m.name == name), None)


class Exceptions(Strict):
    queue: str = Field(min_length=1)
    sla_minutes: int = Field(gt=0)
    owners: list[str] = Field(min_length=1)

    @field_validator("owners")
    @classmethod
    def _emails(cls, values: list[str]) -> list[str]:
        for value in values:
            _email(value)
        return values


class TrustLayer(Strict):
    system_name: str = Field(min_length=1)
    owners: Owners
    regions: Regions
    rbacs: Rbacs
    approvals: Approvals
    pii_rules: PiiRules
    logging: Logging
    actions: Actions
    telemetry: Telemetry
    exceptions: Exceptions

    def role(self, name: str) -> Role | None:
        return next((r for r in self.rbacs.roles if r.name == name), None)

    def semantic_problems(self) -> list[str]:
        """Checks across sections: references resolve, values are consistent."""
        problems: list[str] = []
        roles = {r.name for r in self.rbacs.roles}
        objects = set(self.actions.crm_updates.objects)

        def need_role(path: str, name: str) -> None:
            if name not in roles:
                problems.append(f"{path}: role {name!r} is not defined in rbacs.roles")

        need_role("approvals.default.approver_role", self.approvals.default.approver_role)
        seen_fields: set[str] = set()
        for i, hr in enumerate(self.approvals.high_risk_fields):
            path = f"approvals.high_risk_fields[{i}]"
            need_role(f"{path}.approver_role", hr.approver_role)
            if hr.field in seen_fields:
                problems.append(f"{path}.field: {hr.field!r} is listed twice")
            seen_fields.add(hr.field)
            if hr.field.split(".")[0] not in objects:
                problems.append(f"{path}.field: object of {hr.field!r} is not in actions.crm_updates.objects")
            role = self.role(hr.approver_role)
            if role is not None and not field_allowed(role.write_allowlist, hr.field):
                problems.append(f"{path}.approver_role: role {hr.approver_role!r} may not write {hr.field!r}")
            if hr.confidence_min < self.approvals.default.confidence_min:
                problems.append(f"{path}.confidence_min: {hr.confidence_min} is below approvals.default.confidence_min")
        for i, role in enumerate(self.rbacs.roles):
            for j, name in enumerate(role.write_allowlist):
                if name.split(".")[0] not in objects:
                    problems.append(f"rbacs.roles[{i}].write_allowlist[{j}]: object of {name!r} is not in actions.crm_updates.objects")
        for i, rule in enumerate(self.regions.routing_rules):
            if rule.route_to == self.regions.default_region:
                problems.append(f"regions.routing_rules[{i}].route_to: routes to the default region")
            for k, earlier in enumerate(self.regions.routing_rules[:i]):
                overlap = sorted(set(rule.match) & set(earlier.match))
                if overlap:
                    problems.append(f"regions.routing_rules[{i}].match: {overlap} already routed by routing_rules[{k}]")
        for name, value in self.telemetry.alerting.thresholds.items():
            path = f"telemetry.alerting.thresholds.{name}"
            target = self.telemetry.target(name)
            if name not in KNOWN_METRICS:
                problems.append(f"{path}: unknown metric (known: {', '.join(KNOWN_METRICS)})")
            elif target is None:
                problems.append(f"{path}: metric is not listed in telemetry.metrics")
            elif name.endswith("_rate") or name.endswith("_coverage"):
                if not 0 <= value <= 1:
                    problems.append(f"{path}: {value} is not a ratio between 0 and 1")
                elif value > target:
                    problems.append(f"{path}: alert threshold {value} is above the target {target}")
        for i, metric in enumerate(self.telemetry.metrics):
            if metric.name != "time_to_send_recap_ms" and metric.target > 1:
                problems.append(f"telemetry.metrics[{i}].target: {metric.target} is not a ratio between 0 and 1")
        return problems


class PolicyDocument(Strict):
    trust_layer: TrustLayer


def field_allowed(allowlist: list[str], field: str) -> bool:
    """``Task.*`` allows every Task field; otherwise exact ``Object.Field`` match."""
    obj = field.split(".")[0]
    return any(entry == field or entry == f"{obj}.*" for entry in allowlist)


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def parse_policy(raw: object, source: str = "policy") -> TrustLayer:
    try:
        doc = PolicyDocument.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err["loc"][1:] if err["loc"][:1] == ("trust_layer",) else err["loc"]
            loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith(("literal[", "function-"))))
            msg = "unknown key" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"{_path(loc) or 'trust_layer'}: {msg}")
        raise PolicyError(source, problems) from None
    problems = doc.trust_layer.semantic_problems()
    if problems:
        raise PolicyError(source, problems)
    return doc.trust_layer


def load_policy(path: str | Path) -> TrustLayer:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(path), ["file not found"]) from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(str(path), [f"not valid YAML: {exc}".replace("\n", " ")]) from None
    return parse_policy(raw, source=str(path))


DEFAULT_POLICY_PATH = Path(__file__).with_name("trust_layer.yaml")
