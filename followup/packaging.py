"""Teams app package: fill the manifest template, check Teams' rules, zip it.

The package is ``manifest.json`` + ``color.png`` + ``outline.png`` at the root of a zip, the
shape the Teams admin center and Developer Portal accept. The JSON schema of the manifest is
checked by the test suite (``tests/integration/test_manifest_schema.py``) and, when the bundled
schema is present, by ``python -m followup manifest validate``; this module checks what the
schema cannot express (icon pixels and sizes, unique commands, semver, filled placeholders).

Pure functions plus two file operations (``build_package``, ``read_package``); errors are
``InputError`` (bad argument) or ``ConfigError`` (broken template or icon files).
"""
from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from followup.errors import ConfigError, InputError

MANIFEST_DIR = Path(__file__).resolve().parent.parent / "manifest"
TEMPLATE_NAME = "manifest.template.json"
ICON_FILES = ("color.png", "outline.png")
ICON_SIZES = {"color": (192, 192), "outline": (32, 32)}
DEFAULT_VERSION = "1.0.0"
# Teams app ids derived from a bot id live in this namespace, so rebuilding the package for the
# same bot keeps the same app id (Teams treats a new id as a different app, not an update).
APP_ID_NAMESPACE = uuid.UUID("5f1c2d9e-6a0b-4c8e-9d3f-2b7a41e0c6d5")

_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")  # Teams: numeric x.y.z only
_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")
_PLACEHOLDER = re.compile(r"\$\{\{([A-Z_]+)\}\}")
_SCHEMA_URL = re.compile(r"/json-schemas/teams/v(\d+\.\d+)/MicrosoftTeams\.schema\.json$")
_DROP = object()
BUNDLED_SCHEMAS = MANIFEST_DIR.parent / "node_modules" / "@microsoft" / "app-manifest" / "build" / "json-schemas" / "teams"


@dataclass(frozen=True)
class PackageInputs:
    bot_id: str
    app_id: str
    domain: str | None
    version: str


def check_guid(value: str, what: str) -> str:
    if not isinstance(value, str) or not _GUID.match(value.strip()):
        raise InputError(f"{what} must be a GUID like 00000000-0000-0000-0000-000000000000, got {value!r}")
    return value.strip().lower()


def normalize_domain(value: str | None) -> str | None:
    """Host name of the bot endpoint; a pasted ``https://host/`` URL is reduced to its host."""
    if value is None or not value.strip():
        return None
    host = value.strip()
    host = re.sub(r"^[hH][tT][tT][pP][sS]?://", "", host).rstrip("/")
    if not _HOST.match(host):
        raise InputError(f"--domain must be a host name like func-abc.azurewebsites.net, got {value!r}")
    return host.lower()


def resolve_inputs(bot_id: str, app_id: str | None = None, domain: str | None = None,
                   version: str | None = None) -> PackageInputs:
    bot = check_guid(bot_id, "--bot-id")
    app = check_guid(app_id, "--app-id") if app_id else str(uuid.uuid5(APP_ID_NAMESPACE, bot))
    ver = version or DEFAULT_VERSION
    if not _SEMVER.match(ver):
        raise InputError(f"--version must be numeric semver MAJOR.MINOR.PATCH (e.g. 1.0.0), got {ver!r}")
    return PackageInputs(bot_id=bot, app_id=app, domain=normalize_domain(domain), version=ver)


def load_template(manifest_dir: Path = MANIFEST_DIR) -> dict:
    path = manifest_dir / TEMPLATE_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"manifest template not found: {path}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: not valid JSON: {exc}") from exc


def fill_template(template: dict, inputs: PackageInputs) -> dict:
    """Replace every ``${{NAME}}``; without a domain, drop the domain-bound entries.

    Without ``--domain`` the manifest still works for the bot (Teams reaches it through the Bot
    Service); ``validDomains`` keeps only ``token.botframework.com`` and the SSO resource becomes
    ``api://botid-<BOT_ID>``.
    """
    values = {"BOT_ID": inputs.bot_id, "APP_ID": inputs.app_id, "APP_VERSION": inputs.version}
    if inputs.domain:
        values["BOT_DOMAIN"] = inputs.domain

    def fill(node):
        if isinstance(node, dict):
            filled = {key: fill(value) for key, value in node.items()}
            return {key: value for key, value in filled.items() if value is not _DROP}
        if isinstance(node, list):
            filled = [fill(item) for item in node]
            return [item for item in filled if item is not _DROP]
        if isinstance(node, str):
            if "${{BOT_DOMAIN}}" in node and not inputs.domain:
                if not node.startswith("api://"):
                    return _DROP
                node = node.replace("${{BOT_DOMAIN}}/", "")
            return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), node)
        return node

    manifest = fill(template)
    left = sorted(set(_PLACEHOLDER.findall(json.dumps(manifest))))
    if left:
        raise ConfigError(f"manifest template has placeholders this build does not fill: {', '.join(left)}")
    return manifest


def schema_version(manifest: dict) -> str:
    """Manifest version named by ``$schema`` (e.g. ``1.24``); must equal ``manifestVersion``."""
    match = _SCHEMA_URL.search(str(manifest.get("$schema", "")))
    if not match:
        raise ConfigError(f"manifest $schema is not a Teams schema URL: {manifest.get('$schema')!r}")
    return match.group(1)


def manifest_problems(manifest: dict) -> list[str]:
    """Teams rules the JSON schema does not express (or that the schema leaves loose)."""
    problems: list[str] = []
    text = json.dumps(manifest)
    for name in sorted(set(_PLACEHOLDER.findall(text))):
        problems.append(f"placeholder ${{{{{name}}}}} was not filled")
    try:
        if schema_version(manifest) != manifest.get("manifestVersion"):
            problems.append(f"manifestVersion {manifest.get('manifestVersion')!r} does not match $schema "
                            f"v{schema_version(manifest)}")
    except ConfigError as exc:
        problems.append(str(exc))
    if not _SEMVER.match(str(manifest.get("version", ""))):
        problems.append(f"version {manifest.get('version')!r} is not numeric semver MAJOR.MINOR.PATCH")
    if not _GUID.match(str(manifest.get("id", ""))):
        problems.append(f"id {manifest.get('id')!r} is not a GUID")
    name = manifest.get("name", {})
    if not name.get("short") or len(name["short"]) > 30:
        problems.append(f"name.short must be 1-30 characters, has {len(name.get('short') or '')}")
    if len(name.get("full", "")) > 100:
        problems.append(f"name.full must be at most 100 characters, has {len(name['full'])}")
    description = manifest.get("description", {})
    short, full = description.get("short", ""), description.get("full", "")
    if not short or len(short) > 80:
        problems.append(f"description.short must be 1-80 characters, has {len(short)}")
    if not full or len(full) > 4000:
        problems.append(f"description.full must be 1-4000 characters, has {len(full)}")
    if short and short == full:
        problems.append("description.full must say more than description.short")
    for index, bot in enumerate(manifest.get("bots", [])):
        if not _GUID.match(str(bot.get("botId", ""))):
            problems.append(f"bots[{index}].botId {bot.get('botId')!r} is not a GUID")
        seen_scopes: set[str] = set()
        for list_index, command_list in enumerate(bot.get("commandLists", [])):
            titles = [command.get("title", "") for command in command_list.get("commands", [])]
            dupes = sorted({title for title in titles if titles.count(title) > 1})
            if dupes:
                problems.append(f"bots[{index}].commandLists[{list_index}] repeats command titles: {', '.join(dupes)}")
            for scope in command_list.get("scopes", []):
                if scope in seen_scopes:
                    problems.append(f"bots[{index}]: scope {scope!r} has more than one command list")
                seen_scopes.add(scope)
                if scope not in bot.get("scopes", []):
                    problems.append(f"bots[{index}]: command list scope {scope!r} is not a bot scope")
    for domain in manifest.get("validDomains", []):
        if "://" in domain or "/" in domain:
            problems.append(f"validDomains entry {domain!r} must be a host name without scheme or path")
    web = manifest.get("webApplicationInfo")
    if web and not _GUID.match(str(web.get("id", ""))):
        problems.append(f"webApplicationInfo.id {web.get('id')!r} is not a GUID")
    return problems


def icon_problems(role: str, name: str, data: bytes) -> list[str]:
    """Size and pixel rules for the ``color`` (192x192) and ``outline`` (32x32) icons."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        return [f"{name}: not a readable image ({exc})"]
    problems = []
    if image.format != "PNG":
        problems.append(f"{name}: must be a PNG, is {image.format}")
    want = ICON_SIZES[role]
    if image.size != want:
        problems.append(f"{name}: must be {want[0]}x{want[1]} pixels, is {image.size[0]}x{image.size[1]}")
    if role == "outline":
        rgba = image.convert("RGBA")
        pixels = list(rgba.get_flattened_data()) if hasattr(rgba, "get_flattened_data") else list(rgba.getdata())
        coloured = sum(1 for r, g, b, a in pixels if a and (r, g, b) != (255, 255, 255))
        transparent = sum(1 for *_rgb, a in pixels if a == 0)
        if coloured:
            problems.append(f"{name}: outline icon may only hold white or transparent pixels, {coloured} are coloured")
        if not transparent:
            problems.append(f"{name}: outline icon needs a transparent background, no pixel is transparent")
        if transparent == len(pixels):
            problems.append(f"{name}: outline icon is empty (every pixel is transparent)")
    return problems


def bundled_schema_path(manifest: dict, schemas_dir: Path = BUNDLED_SCHEMAS) -> Path:
    return schemas_dir / f"v{schema_version(manifest)}" / "MicrosoftTeams.schema.json"


def teams_schema_validator():
    """Draft 4 plus ``const``: the Teams schemas declare Draft 4 but pin ``manifestVersion`` with
    the Draft 6 ``const`` keyword (Microsoft's own validator, ajv, honours it); a plain Draft 4
    validator would silently ignore it."""
    from jsonschema import Draft4Validator, Draft6Validator, validators

    return validators.extend(Draft4Validator, {"const": Draft6Validator.VALIDATORS["const"]})


def schema_problems(manifest: dict, schema_path: Path) -> list[str]:
    """Offline JSON-schema check (Draft 4, as Microsoft publishes it); needs ``jsonschema``."""
    validator_class = teams_schema_validator()

    try:
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read manifest schema {schema_path}: {exc}") from exc
    validator = validator_class(schema)
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(root)'}: {error.message}"
            for error in sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.absolute_path)))]


def read_icons(manifest: dict, manifest_dir: Path) -> dict[str, bytes]:
    icons = {}
    for role in ("color", "outline"):
        name = manifest.get("icons", {}).get(role)
        if not name:
            raise ConfigError(f"manifest icons.{role} is missing")
        path = manifest_dir / name
        if not path.is_file():
            raise ConfigError(f"icon file not found: {path} (run manifest/make_icons.py to draw it)")
        icons[name] = path.read_bytes()
    return icons


def package_problems(manifest: dict, files: dict[str, bytes]) -> list[str]:
    problems = manifest_problems(manifest)
    for role in ("color", "outline"):
        name = manifest.get("icons", {}).get(role)
        if name not in files:
            problems.append(f"icons.{role} names {name!r}, which is not at the package root")
        else:
            problems.extend(icon_problems(role, name, files[name]))
    return problems


def build_package(inputs: PackageInputs, out: Path, manifest_dir: Path = MANIFEST_DIR) -> dict:
    """Write the zip to ``out`` and return the filled manifest; refuses to write a broken package."""
    manifest = fill_template(load_template(manifest_dir), inputs)
    icons = read_icons(manifest, manifest_dir)
    problems = package_problems(manifest, icons)
    if problems:
        raise ConfigError("app package breaks Teams rules: " + "; ".join(problems))
    out.parent.mkdir(parents=True, exist_ok=True)
    entries = {"manifest.json": (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8"), **icons}
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            # fixed timestamp: the same inputs give a byte-identical package
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return manifest


def read_package(path: Path) -> tuple[dict, dict[str, bytes]]:
    """Manifest and root files of a package; ``InputError`` if it is not a Teams app zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            files = {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}
    except FileNotFoundError as exc:
        raise InputError(f"package not found: {path}") from exc
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: not a zip file") from exc
    if "manifest.json" not in files:
        nested = [name for name in files if name.endswith("/manifest.json")]
        hint = f" (found {nested[0]}; zip the files, not their folder)" if nested else ""
        raise InputError(f"{path}: no manifest.json at the zip root{hint}")
    try:
        manifest = json.loads(files["manifest.json"].decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: manifest.json is not valid JSON: {exc}") from exc
    return manifest, files
