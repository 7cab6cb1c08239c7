"""An HTTPS loopback Salesforce: OAuth token endpoint, SOQL (the relationship shapes the adapter
sends), describe, sObject rows, sObject Collections, composite and composite/batch — over an
in-memory org, with scripted faults. Describe payloads are real org recordings
(tests/fixtures/salesforce, see its README).
"""
from __future__ import annotations

import datetime as dt
import email.utils
import itertools
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import jwt
import trustme
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "salesforce"
OBJECTS = ("Account", "Contact", "Opportunity", "OpportunityContactRole", "Task")
CHILDREN = {("Opportunity", "OpportunityContactRoles"): ("OpportunityContactRole", "OpportunityId"),
            ("Opportunity", "Tasks"): ("Task", "WhatId")}
DATA = re.compile(r"^/services/data/v(\d+\.\d)(/.*)$")


def rsa_keypair() -> tuple[str, str]:
    """(private PEM, public PEM) for the JWT bearer flow."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def errors(code: str, message: str, fields: list[str] | None = None) -> list[dict]:
    return [{"message": message, "errorCode": code, "fields": fields or []}]


@dataclass
class Fault:
    """A scripted answer for the next request whose path ends with ``path`` (and method, if given)."""

    path: str
    status: int
    body: Any = None
    method: str | None = None
    times: int = 1
    before: Callable[[], None] | None = None  # run first (e.g. expire the session)


@dataclass
class Rule:
    """A validation rule or record-level failure: ``when(obj, values)`` -> refuse with code/message."""

    obj: str
    when: Callable[[dict], bool]
    code: str
    message: str
    fields: list[str] = field(default_factory=list)


class SalesforceFake:
    def __init__(self, jwt_public_key: str | None = None, username: str = "integration@example.com",
                 consumer_key: str = "3MVG9fake", password: str | None = None):
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self._ssl = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self._ssl)
        self.ca_path: str | None = None
        self.jwt_public_key, self.username, self.consumer_key, self.password = jwt_public_key, username, consumer_key, password
        self.describes = {o: json.loads((FIXTURES / f"{o}.describe.json").read_text()) for o in OBJECTS}
        self.records: dict[str, dict[str, dict]] = {o: {} for o in OBJECTS}
        self.created_order: list[str] = []
        self.tokens: set[str] = set()
        self.token_requests: list[dict] = []
        self.requests: list[dict] = []  # every data API request: method, path, headers, json
        self.faults: list[Fault] = []
        self.rules: list[Rule] = []
        self.down_status: int | None = None
        self.before_composite: Callable[[], None] | None = None
        self._ids = itertools.count(1)
        self._clock = dt.datetime(2024, 5, 1, 10, 0, 0, tzinfo=dt.timezone.utc)
        self._lock = threading.RLock()
        self.server = HTTPServer(host="127.0.0.1", port=0, ssl_context=self._ssl)
        self.server.expect_request(re.compile(r"^/.*")).respond_with_handler(self._handle)

    # ----------------------------------------------------------------- lifecycle
    def start(self, ca_dir: Path) -> "SalesforceFake":
        self.ca_path = str(ca_dir / "sf-fake-ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_path)
        self.server.start()
        return self

    def stop(self) -> None:
        if self.server.is_running():
            self.server.stop()

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.server.port}"

    # ----------------------------------------------------------------- org state
    def _tick(self) -> str:
        self._clock += dt.timedelta(seconds=1)
        return self._clock.strftime("%Y-%m-%dT%H:%M:%S.000+0000")

    def _new_id(self, obj: str) -> str:
        prefix = self.describes[obj]["keyPrefix"]
        return f"{prefix}{next(self._ids):012d}AAA"

    def add(self, obj: str, **values: Any) -> str:
        with self._lock:
            rec_id = values.pop("Id", None) or self._new_id(obj)
            self.records[obj][rec_id] = {"Id": rec_id, **values, "LastModifiedDate": self._tick()}
            self.created_order.append(rec_id)
            return rec_id

    def edit(self, obj: str, rec_id: str, **values: Any) -> None:
        """A person changing the record in Salesforce."""
        with self._lock:
            self.records[obj][rec_id].update(values, LastModifiedDate=self._tick())

    def get(self, obj: str, rec_id: str) -> dict:
        return dict(self.records[obj][rec_id])

    def all(self, obj: str, **where: Any) -> list[dict]:
        return [dict(r) for r in self.records[obj].values() if all(r.get(k) == v for k, v in where.items())]

    def fail_next(self, path: str, status: int, body: Any = None, method: str | None = None, times: int = 1,
                  before: Callable[[], None] | None = None) -> None:
        self.faults.append(Fault(path, status, body, method, times, before))

    def expire_sessions(self) -> None:
        self.tokens.clear()

    def calls(self, path_end: str = "", method: str | None = None) -> list[dict]:
        """Data API requests whose path ends with ``path_end``."""
        return [r for r in self.requests if r["path"].rstrip("/").endswith(path_end)
                and (method is None or r["method"] == method)]

    # ----------------------------------------------------------------- HTTP
    def _handle(self, request: Request) -> Response:
        with self._lock:
            if request.path == "/services/oauth2/token":
                return self._token(request)
            body = request.get_json(silent=True)
            self.requests.append({"method": request.method, "path": request.path, "query": request.args.get("q"),
                                  "headers": dict(request.headers), "json": body})
            if self.down_status:
                return Response("<html>Service Unavailable</html>", status=self.down_status, content_type="text/html")
            for fault in self.faults:
                if request.path.rstrip("/").endswith(fault.path) and fault.method in (None, request.method) and fault.times > 0:
                    fault.times -= 1
                    if fault.before:
                        fault.before()
                    if fault.status == 401:
                        self.expire_sessions()
                    return _json(fault.status, fault.body)
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.tokens:
                return _json(401, errors("INVALID_SESSION_ID", "Session expired or invalid"))
            match = DATA.match(request.path)
            if not match:
                return _json(404, errors("NOT_FOUND", "The requested resource does not exist"))
            if match.group(2) == "/composite" and self.before_composite:
                self.before_composite()
            status, out = self.route(request.method, match.group(2), dict(request.headers), body, request.args)
            return _json(status, out)

    def _token(self, request: Request) -> Response:
        form = request.form.to_dict()
        self.token_requests.append(form)
        if self.down_status:
            return Response("unavailable", status=self.down_status)
        if form.get("grant_type") == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                claims = jwt.decode(form.get("assertion", ""), self.jwt_public_key, algorithms=["RS256"],
                                    audience="https://login.salesforce.com")
            except jwt.PyJWTError as exc:
                return _json(400, {"error": "invalid_grant", "error_description": f"invalid assertion: {exc}"})
            if claims.get("iss") != self.consumer_key or claims.get("sub") != self.username:
                return _json(400, {"error": "invalid_grant", "error_description": "user hasn't approved this consumer"})
        elif form.get("grant_type") == "password":
            if (form.get("username"), form.get("password"), form.get("client_id")) != (self.username, self.password, self.consumer_key):
                return _json(400, {"error": "invalid_grant", "error_description": "authentication failure"})
        else:
            return _json(400, {"error": "unsupported_grant_type", "error_description": "grant type not supported"})
        token = f"00Dfake!{next(self._ids)}"
        self.tokens.add(token)
        return _json(200, {"access_token": token, "instance_url": self.url, "token_type": "Bearer",
                           "id": f"{self.url}/id/00D/005", "issued_at": "1714557600000", "signature": "x"})

    # ----------------------------------------------------------------- REST resources
    def route(self, method: str, path: str, headers: dict, body: Any, args: Any = None) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if parts == ["query"] and method == "GET":
            return self._query((args or {}).get("q", ""))
        if parts[:1] == ["sobjects"] and len(parts) == 3 and parts[2] == "describe":
            return (200, self.describes[parts[1]]) if parts[1] in self.describes else (404, errors("NOT_FOUND", parts[1]))
        if parts[:1] == ["sobjects"] and len(parts) == 3 and method == "PATCH":
            return self._patch(parts[1], parts[2], body or {}, headers)
        if parts[:1] == ["sobjects"] and len(parts) == 2 and method == "POST":
            return self._create(parts[1], body or {})
        if parts == ["composite", "sobjects"]:
            return 200, [self._collection_row(method, rec) for rec in (body or {}).get("records", [])]
        if parts == ["composite"] and method == "POST":
            return self._composite(body or {})
        if parts == ["composite", "batch"] and method == "POST":
            results = []
            for sub in (body or {}).get("batchRequests", []):
                status, out = self.route(sub["method"], re.sub(r"^v\d+\.\d", "", sub["url"]), {}, sub.get("richInput"))
                results.append({"statusCode": status, "result": out})
            return 200, {"hasErrors": any(r["statusCode"] >= 400 for r in results), "results": results}
        return 404, errors("NOT_FOUND", f"no resource {method} {path}")

    def _composite(self, body: dict) -> tuple[int, Any]:
        subs = body.get("compositeRequest", [])
        if len(subs) > 25:
            return 400, errors("INVALID_BATCH_REQUEST", "composite takes at most 25 subrequests")
        out = []
        for sub in subs:
            match = DATA.match(sub["url"])
            status, result = self.route(sub["method"], match.group(2), sub.get("httpHeaders", {}), sub.get("body"))
            out.append({"body": result, "httpHeaders": {}, "httpStatusCode": status, "referenceId": sub["referenceId"]})
        return 200, {"compositeResponse": out}

    def _collection_row(self, method: str, rec: dict) -> dict:
        rec = dict(rec)
        obj = rec.pop("attributes", {}).get("type")
        status, out = self._patch(obj, rec.pop("id", None), rec, {}) if method == "PATCH" else self._create(obj, rec)
        if status < 300:
            return {"id": out["id"] if out else None, "success": True, "errors": []}
        return {"id": None, "success": False, "errors": [{"statusCode": e["errorCode"], "message": e["message"],
                                                          "fields": e["fields"]} for e in out]}

    def _refusal(self, obj: str, values: dict, creating: bool) -> list[dict] | None:
        fields = {f["name"]: f for f in self.describes.get(obj, {}).get("fields", [])}
        for name, value in values.items():
            meta = fields.get(name)
            allowed = meta and (meta["createable"] if creating else meta["updateable"])
            if not allowed:
                return errors("INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: {name}. Please check "
                              "the security settings of this field and verify that it is read/write for your profile "
                              "or permission set.", [name])
            if meta["type"] == "picklist" and meta.get("restrictedPicklist") and value not in [
                    p["value"] for p in meta["picklistValues"] if p["active"]]:
                return errors("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f"bad value for restricted picklist field: {value}", [name])
        for rule in self.rules:
            if rule.obj == obj and rule.when(values):
                return errors(rule.code, rule.message, rule.fields)
        return None

    def _patch(self, obj: str, rec_id: str | None, values: dict, headers: dict) -> tuple[int, Any]:
        record = self.records.get(obj, {}).get(rec_id or "")
        if record is None:
            return 404, errors("NOT_FOUND", f"{obj} {rec_id} not found")
        since = headers.get("If-Unmodified-Since")
        if since:
            limit = email.utils.parsedate_to_datetime(since)
            modified = dt.datetime.strptime(record["LastModifiedDate"], "%Y-%m-%dT%H:%M:%S.%f%z")
            if modified.replace(microsecond=0) > limit:
                return 412, errors("PRECONDITION_FAILED", "The requested resource has been modified since "
                                   f"{since}")
        refusal = self._refusal(obj, values, creating=False)
        if refusal:
            return 400, refusal
        record.update(values, LastModifiedDate=self._tick())
        return 204, {"id": rec_id}

    def _create(self, obj: str, values: dict) -> tuple[int, Any]:
        refusal = self._refusal(obj, values, creating=True)
        if refusal:
            return 400, refusal
        return 201, {"id": self.add(obj, **values), "success": True, "errors": []}

    # ----------------------------------------------------------------- SOQL (the shapes the adapter sends)
    def _query(self, soql: str) -> tuple[int, Any]:
        match = re.match(r"^SELECT (.+) FROM (\w+) WHERE Id (=|IN) (.+)$", soql.strip(), re.S)
        if not match:
            return 400, errors("MALFORMED_QUERY", f"unsupported query: {soql[:80]}")
        items, obj, op, target = match.groups()
        ids = re.findall(r"'([^']*)'", target)
        rows = [self._select(obj, self.records[obj][i], items) for i in ids if i in self.records.get(obj, {})]
        return 200, {"totalSize": len(rows), "done": True, "records": rows}

    def _select(self, obj: str, record: dict, items: str) -> dict:
        out: dict[str, Any] = {"attributes": {"type": obj, "url": f"/services/data/v59.0/sobjects/{obj}/{record['Id']}"}}
        for item in _split(items):
            sub = re.match(r"^\(SELECT (.+?) FROM (\w+)(?: ORDER BY CreatedDate DESC)?(?: LIMIT (\d+))?\)$", item, re.S)
            if sub:
                child_obj, parent_field = CHILDREN[(obj, sub.group(2))]
                kids = [r for rid in reversed(self.created_order) for r in [self.records[child_obj].get(rid)]
                        if r and r.get(parent_field) == record["Id"]][: int(sub.group(3) or 2000)]
                out[sub.group(2)] = ({"totalSize": len(kids), "done": True,
                                      "records": [self._select(child_obj, k, sub.group(1)) for k in kids]} if kids else None)
            elif "." in item:
                rel, name = item.split(".", 1)
                parent = self.records.get(rel, {}).get(record.get(f"{rel}Id") or "")
                if parent is not None:
                    out.setdefault(rel, {"attributes": {"type": rel}})[name] = parent.get(name)
                else:
                    out[rel] = None
            else:
                out[item] = record.get(item)
        return out


def _split(items: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in items:
        depth += ch == "("
        depth -= ch == ")"
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return parts


def _json(status: int, body: Any) -> Response:
    if status == 204:
        return Response(status=204)
    return Response(json.dumps(body), status=status, content_type="application/json;charset=UTF-8")


def seed_org(fake: SalesforceFake) -> dict[str, str]:
    """One account, one opportunity, two contacts (one with a role on the opportunity)."""
    account = fake.add("Account", Name="Northwind Traders", BillingCountry="Germany")
    opp = fake.add("Opportunity", Name="Northwind - Platform renewal", StageName="Qualification", CloseDate="2024-06-30",
                   Amount=120000.0, NextStep="Send pricing", AccountId=account, OwnerId="005000000000001AAA")
    maria = fake.add("Contact", Name="Maria Anders", Email="maria@northwind.example", Title="VP Operations", AccountId=account)
    tom = fake.add("Contact", Name="Tom Berg", Email="tom@northwind.example", Title="IT Lead", AccountId=account)
    role = fake.add("OpportunityContactRole", OpportunityId=opp, ContactId=maria, Role="Decision Maker", IsPrimary=True)
    return {"account": account, "opportunity": opp, "maria": maria, "tom": tom, "role": role}
