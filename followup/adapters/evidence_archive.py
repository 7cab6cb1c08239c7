"""Evidence bundles written under the layout of ``logging.evidence_store``.

``file://`` URIs are written where they point. Any other scheme (``s3://``, ``https://<account>.blob…``)
is written to a local directory that mirrors the URI (``FOLLOWUP_EVIDENCE_DIR``: a mounted storage
container, or a staging folder the platform syncs); the URI recorded in the audit ledger is the
configured one. Objects are ``<region>/<proposal id>.json``, so a region's evidence stays under
its own prefix.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from followup.errors import StoreError


class DirectoryEvidenceArchive:
    def __init__(self, base_uri: str, mirror_dir: Path):
        parsed = urlparse(base_uri)
        self.base_uri = base_uri.rstrip("/")
        self.root = Path(unquote(parsed.path)) if parsed.scheme == "file" else Path(mirror_dir)

    def put(self, region: str, proposal_id: str, bundle: dict[str, Any]) -> str:
        target = self.root / region / f"{proposal_id}.json"
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(".tmp")
            tmp.write_text(json.dumps(bundle, sort_keys=True, ensure_ascii=False, default=str), encoding="utf-8")
            os.replace(tmp, target)
        except OSError as exc:
            raise StoreError(f"evidence store {self.base_uri} not writable: {exc}") from exc
        return f"{self.base_uri}/{region}/{proposal_id}.json"

    def purge_older_than(self, cutoff: dt.datetime) -> int:
        removed = 0
        for path in self.root.glob("*/*.json"):
            if dt.datetime.fromtimestamp(path.stat().st_mtime, dt.timezone.utc) < cutoff:
                path.unlink(missing_ok=True)
                removed += 1
        return removed
