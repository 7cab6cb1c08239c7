"""Building the Teams app package: placeholders, ids, icons, zip layout, CLI exit codes."""
from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from followup import packaging
from followup.cli import main
from followup.errors import ConfigError, InputError

BOT = "0f8fad5b-d9cb-469f-a165-70867728950e"
APP = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@pytest.fixture
def manifest_dir(tmp_path, repo_root):
    target = tmp_path / "manifest"
    shutil.copytree(repo_root / "manifest", target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def build(tmp_path, manifest_dir, **kwargs):
    inputs = packaging.resolve_inputs(kwargs.pop("bot_id", BOT), kwargs.pop("app_id", APP),
                                      kwargs.pop("domain", "func-abc.azurewebsites.net"), kwargs.pop("version", "1.2.3"))
    out = tmp_path / "out" / "appPackage.zip"
    return packaging.build_package(inputs, out, manifest_dir), out


def test_every_placeholder_is_filled_with_the_given_values(tmp_path, manifest_dir):
    manifest, out = build(tmp_path, manifest_dir)
    text = json.dumps(manifest)
    assert "${{" not in text
    assert manifest["id"] == APP
    assert manifest["version"] == "1.2.3"
    assert manifest["bots"][0]["botId"] == BOT
    assert manifest["webApplicationInfo"] == {"id": BOT, "resource": f"api://func-abc.azurewebsites.net/botid-{BOT}"}
    assert "func-abc.azurewebsites.net" in manifest["validDomains"]


def test_zip_holds_manifest_and_both_icons_at_its_root(tmp_path, manifest_dir):
    manifest, out = build(tmp_path, manifest_dir)
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        assert json.loads(archive.read("manifest.json")) == manifest
        assert archive.read("color.png") == (manifest_dir / "color.png").read_bytes()


def test_same_inputs_give_a_byte_identical_package(tmp_path, manifest_dir):
    _, first = build(tmp_path, manifest_dir)
    data = first.read_bytes()
    _, second = build(tmp_path, manifest_dir)
    assert second.read_bytes() == data


def test_app_id_defaults_to_a_stable_guid_derived_from_the_bot_id():
    one = packaging.resolve_inputs(BOT)
    again = packaging.resolve_inputs(BOT.upper())
    other = packaging.resolve_inputs(APP)
    assert one.app_id == again.app_id != other.app_id
    assert one.app_id != BOT and packaging.check_guid(one.app_id, "x") == one.app_id
    assert one.version == packaging.DEFAULT_VERSION


def test_without_domain_the_domain_entries_are_dropped_not_left_as_placeholders(tmp_path, manifest_dir):
    manifest, _ = build(tmp_path, manifest_dir, domain=None)
    assert manifest["validDomains"] == ["token.botframework.com"]
    assert manifest["webApplicationInfo"]["resource"] == f"api://botid-{BOT}"


@pytest.mark.parametrize("pasted", ["https://func-abc.azurewebsites.net/", "FUNC-ABC.azurewebsites.net"])
def test_domain_pasted_as_url_or_in_capitals_becomes_the_host(pasted):
    assert packaging.resolve_inputs(BOT, domain=pasted).domain == "func-abc.azurewebsites.net"


@pytest.mark.parametrize("domain", ["func-abc.azurewebsites.net/api/messages", "not a host", "localhost"])
def test_domain_that_is_not_a_host_is_refused(domain):
    with pytest.raises(InputError, match="--domain"):
        packaging.resolve_inputs(BOT, domain=domain)


@pytest.mark.parametrize("bad", ["nope", "0f8fad5b-d9cb-469f-a165-70867728950", "{0f8fad5b-d9cb-469f-a165-70867728950e}",
                                 "0f8fad5bd9cb469fa16570867728950e"])
def test_bot_id_that_is_not_a_guid_is_refused_naming_the_option(bad):
    with pytest.raises(InputError, match=r"--bot-id must be a GUID.*" + __import__("re").escape(repr(bad))):
        packaging.resolve_inputs(bad)


def test_app_id_that_is_not_a_guid_is_refused_naming_the_option():
    with pytest.raises(InputError, match="--app-id must be a GUID"):
        packaging.resolve_inputs(BOT, app_id="my-app")


@pytest.mark.parametrize("version", ["1.0", "v1.0.0", "1.0.0-beta", "01.0.0", "1.0.0.0"])
def test_version_must_be_numeric_semver(version):
    with pytest.raises(InputError, match="--version"):
        packaging.resolve_inputs(BOT, version=version)


@pytest.mark.parametrize("icon", ["color.png", "outline.png"])
def test_missing_icon_is_a_config_error_naming_the_file(tmp_path, manifest_dir, icon):
    (manifest_dir / icon).unlink()
    with pytest.raises(ConfigError, match=f"icon file not found: .*{icon}"):
        build(tmp_path, manifest_dir)
    assert not (tmp_path / "out" / "appPackage.zip").exists()


def test_template_placeholder_the_build_does_not_know_is_reported(tmp_path, manifest_dir):
    path = manifest_dir / packaging.TEMPLATE_NAME
    template = json.loads(path.read_text())
    template["developer"]["name"] = "${{COMPANY_NAME}}"
    path.write_text(json.dumps(template))
    with pytest.raises(ConfigError, match="COMPANY_NAME"):
        build(tmp_path, manifest_dir)


def test_broken_icon_stops_the_build_before_a_zip_is_written(tmp_path, manifest_dir):
    from PIL import Image

    Image.new("RGBA", (64, 64), (255, 255, 255, 0)).save(manifest_dir / "outline.png")
    with pytest.raises(ConfigError, match=r"outline.png: must be 32x32 pixels, is 64x64"):
        build(tmp_path, manifest_dir)
    assert not (tmp_path / "out" / "appPackage.zip").exists()


def test_cli_build_then_validate_round_trip(tmp_path, capsys):
    out = tmp_path / "pkg.zip"
    assert main(["manifest", "build", "--bot-id", BOT, "--domain", "bot.example.com", "--version", "2.0.1",
                 "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert main(["manifest", "validate", str(out)]) == 0
    assert ": OK (color.png, manifest.json, outline.png)" in capsys.readouterr().out


def test_cli_bad_guid_is_one_error_line_and_exit_code_2(tmp_path, capsys):
    assert main(["manifest", "build", "--bot-id", "12345", "--out", str(tmp_path / "x.zip")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["error: --bot-id must be a GUID like 00000000-0000-0000-0000-000000000000, got '12345'"]
    assert not (tmp_path / "x.zip").exists()


def test_cli_validate_rejects_a_zip_with_the_files_inside_a_folder(tmp_path, capsys):
    package = tmp_path / "nested.zip"
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("appPackage/manifest.json", "{}")
    assert main(["manifest", "validate", str(package)]) == 2
    assert "no manifest.json at the zip root (found appPackage/manifest.json" in capsys.readouterr().err


def test_cli_validate_reports_rule_breaks_with_exit_code(tmp_path, manifest_dir, capsys):
    _, out = build(tmp_path, manifest_dir)
    with zipfile.ZipFile(out) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files["manifest.json"])
    manifest["version"] = "1.0"
    files["manifest.json"] = json.dumps(manifest).encode()
    del files["outline.png"]
    broken = tmp_path / "broken.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    assert main(["manifest", "validate", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "version '1.0' is not numeric semver" in err
    assert "icons.outline names 'outline.png', which is not at the package root" in err
