"""`python -m followup manifest build|validate` — the Teams app package IT uploads."""
from __future__ import annotations

import argparse
from pathlib import Path

from followup import packaging
from followup.errors import ConfigError, InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser("manifest", help="build or validate the Teams app package")
    actions = parser.add_subparsers(dest="manifest_command", required=True)

    build = actions.add_parser("build", help="fill manifest/manifest.template.json and zip it with the icons")
    build.add_argument("--bot-id", required=True, help="Entra app (client) id of the bot registration (GUID)")
    build.add_argument("--app-id", help="Teams app id (GUID); default: derived from the bot id, stable across builds")
    build.add_argument("--domain", help="host of the bot endpoint, e.g. func-abc.azurewebsites.net")
    build.add_argument("--version", help=f"app version MAJOR.MINOR.PATCH (default {packaging.DEFAULT_VERSION}); "
                                          "raise it for every re-upload")
    build.add_argument("--out", type=Path, default=Path("appPackage.zip"), help="zip to write (default appPackage.zip)")
    build.add_argument("--manifest-dir", type=Path, default=packaging.MANIFEST_DIR, help=argparse.SUPPRESS)
    build.set_defaults(func=build_command)

    validate = actions.add_parser("validate", help="check a package zip against Teams rules and the bundled schema")
    validate.add_argument("package", type=Path, help="the app package zip")
    validate.add_argument("--schema", type=Path, help="MicrosoftTeams.schema.json to check against "
                                                      "(default: the copy bundled in node_modules)")
    validate.set_defaults(func=validate_command)


def build_command(args) -> int:
    inputs = packaging.resolve_inputs(args.bot_id, args.app_id, args.domain, args.version)
    manifest = packaging.build_package(inputs, args.out, args.manifest_dir)
    print(f"wrote {args.out}: {manifest['name']['short']} {manifest['version']} "
          f"(manifest v{manifest['manifestVersion']}, app id {manifest['id']}, bot id {inputs.bot_id})")
    if not inputs.domain:
        print("note: no --domain given; validDomains holds only token.botframework.com")
    return 0


def validate_command(args) -> int:
    manifest, files = packaging.read_package(args.package)
    problems = packaging.package_problems(manifest, files)
    schema_path = args.schema or packaging.bundled_schema_path(manifest)
    schema_note = f"schema: {schema_path.parent.name} ({schema_path})"
    if not schema_path.is_file():
        if args.schema:
            raise InputError(f"schema file not found: {args.schema}")
        schema_note = f"schema: not checked ({schema_path} is missing; run npm ci)"
    else:
        try:
            problems += [f"schema: {p}" for p in packaging.schema_problems(manifest, schema_path)]
        except ImportError:
            schema_note = "schema: not checked (jsonschema is not installed; pip install -r requirements-dev.txt)"
    if problems:
        raise ConfigError(f"{args.package}: {len(problems)} problem(s): " + "; ".join(problems))
    print(f"{args.package}: OK ({', '.join(sorted(files))}); {schema_note}")
    return 0
