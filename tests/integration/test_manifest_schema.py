"""The built manifest against Microsoft's own JSON schema, offline.

The schema files come from ``@microsoft/app-manifest`` (npm, installed by ``make test``). Every
bundled schema file is registered under its official URL, so any ``$ref`` resolves from disk and
a lookup outside the bundle fails the test instead of reaching the network.
"""
from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path

import pytest

from followup import packaging
from followup.cli import main

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (pip install -r requirements-dev.txt)")
referencing = pytest.importorskip("referencing")

BOT = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"
OFFICIAL = "https://developer.microsoft.com/json-schemas/teams/"


@pytest.fixture(scope="module")
def schemas_dir() -> Path:
    if not packaging.BUNDLED_SCHEMAS.is_dir():
        pytest.skip(f"Teams manifest schemas not found at {packaging.BUNDLED_SCHEMAS}: run `npm ci` (make test does)")
    return packaging.BUNDLED_SCHEMAS


@pytest.fixture(scope="module")
def registry(schemas_dir):
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource
    from referencing.jsonschema import DRAFT4

    def refuse(uri):  # never fetch: a $ref outside the bundle is an error here
        raise NoSuchResource(ref=uri)

    resources = []
    for path in sorted(schemas_dir.glob("v*/*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        url = f"{OFFICIAL}{path.parent.name}/{path.name}"
        resources.append((url, Resource.from_contents(contents, default_specification=DRAFT4)))
    return Registry(retrieve=refuse).with_resources(resources)


def validator_for(manifest: dict, registry):
    url = manifest["$schema"]
    schema = registry.contents(url)
    # the schema uses ECMA-262 `\p{L}` in a few patterns, which Python `re` cannot compile, so the
    # metaschema check runs without the regex format check
    jsonschema.Draft4Validator.check_schema(schema, format_checker=None)
    # the root schema itself (not a {"$ref": url} wrapper: following a $ref into a resource that
    # declares draft-04 would switch back to the plain Draft 4 class and drop `const`)
    return packaging.teams_schema_validator()(schema, registry=registry)


def errors(manifest, registry) -> list[str]:
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
                  for e in validator_for(manifest, registry).iter_errors(manifest))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("pkg") / "appPackage.zip"
    inputs = packaging.resolve_inputs(BOT, domain="func-followup.azurewebsites.net", version="1.4.0")
    packaging.build_package(inputs, out)
    with zipfile.ZipFile(out) as archive:
        return json.loads(archive.read("manifest.json"))


def test_schema_named_by_the_template_is_bundled(built, schemas_dir):
    path = schemas_dir / f"v{built['manifestVersion']}" / "MicrosoftTeams.schema.json"
    assert path.is_file()
    assert built["$schema"] == f"{OFFICIAL}v{built['manifestVersion']}/MicrosoftTeams.schema.json"


@pytest.mark.parametrize("domain", ["func-followup.azurewebsites.net", None])
def test_built_manifest_is_valid_against_the_official_schema(registry, tmp_path, domain):
    out = tmp_path / "appPackage.zip"
    manifest = packaging.build_package(packaging.resolve_inputs(BOT, domain=domain), out)
    assert errors(manifest, registry) == []


@pytest.mark.parametrize("change, where", [
    (lambda m: m["bots"][0].update(botId="not-a-guid"), "bots/0/botId"),
    (lambda m: m.update(manifestVersion="1.0"), "manifestVersion"),
    (lambda m: m["name"].update(short="S" * 31), "name/short"),
    (lambda m: m.pop("developer"), ": 'developer' is a required property"),
    (lambda m: m["bots"][0].update(scopes=["personal", "everyone"]), "bots/0/scopes/1"),
    (lambda m: m.update(accentColor="blue"), "accentColor"),
    (lambda m: m.update(unknownProperty=True), "Additional properties are not allowed"),
])
def test_schema_rejects_a_broken_manifest(built, registry, change, where):
    broken = copy.deepcopy(built)
    change(broken)
    problems = errors(broken, registry)
    assert problems, "validator accepted a broken manifest"
    assert any(where in problem for problem in problems), problems


DRAFT4_KEYWORDS = set(jsonschema.Draft4Validator.VALIDATORS) | {
    "$schema", "id", "definitions", "description", "default", "title", "format"}


def test_schema_uses_no_keyword_the_validator_would_silently_skip(built, registry):
    schema = registry.contents(built["$schema"])
    used: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                used.add(key)
                if key in ("properties", "definitions", "patternProperties", "dependencies"):
                    for sub in (value.values() if isinstance(value, dict) else []):
                        walk(sub)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)
    validator = packaging.teams_schema_validator()
    unknown = used - DRAFT4_KEYWORDS - set(validator.VALIDATORS)
    # anything left is an annotation the schema authors added (no validation meaning)
    assert unknown <= {"builtInTabId", "examples", "deprecated"}, unknown
    assert "const" in used and "const" in validator.VALIDATORS


def test_bad_version_string_is_caught_by_the_build_rules_because_the_schema_allows_it(built, registry):
    broken = dict(built, version="one point oh")
    # the v1.2x schemas type `version` as a plain string; the package rules close that gap
    assert errors(broken, registry) == []
    assert any("is not numeric semver" in p for p in packaging.manifest_problems(broken))


def test_cli_validate_uses_the_bundled_schema(schemas_dir, tmp_path, capsys):
    out = tmp_path / "appPackage.zip"
    assert main(["manifest", "build", "--bot-id", BOT, "--out", str(out)]) == 0
    assert main(["manifest", "validate", str(out)]) == 0
    assert "schema: v1." in capsys.readouterr().out

    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["bots"][0]["supportsFiles"] = "no"
    files["manifest.json"] = json.dumps(manifest).encode()
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert main(["manifest", "validate", str(broken)]) == 2
    assert "schema: bots/0/supportsFiles: 'no' is not of type 'boolean'" in capsys.readouterr().err
