"""Teams rules the manifest JSON schema does not express: icons, commands, lengths, semver."""
from __future__ import annotations

import copy
import io
import json

import pytest
from PIL import Image

from followup import packaging

BOT = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.fixture(scope="module")
def good() -> dict:
    inputs = packaging.resolve_inputs(BOT, domain="bot.example.com")
    return packaging.fill_template(packaging.load_template(), inputs)


def png(size, colour, mode="RGBA", fmt="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, colour).save(buffer, format=fmt)
    return buffer.getvalue()


def outline_with(pixel) -> bytes:
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    for x in range(8, 24):
        image.putpixel((x, 16), (255, 255, 255, 255))
    image.putpixel((3, 3), pixel)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_shipped_template_and_icons_break_no_rule(good, repo_root):
    files = {name: (repo_root / "manifest" / name).read_bytes() for name in packaging.ICON_FILES}
    assert packaging.package_problems(good, files) == []


def test_shipped_template_has_the_three_commands_in_personal_scope(good):
    bot = good["bots"][0]
    assert set(bot["scopes"]) >= {"personal", "team"}
    assert bot["supportsFiles"] is False
    personal = next(cl for cl in bot["commandLists"] if "personal" in cl["scopes"])
    assert [c["title"] for c in personal["commands"]] == ["help", "pending", "recap"]
    assert all(c["description"] for c in personal["commands"])


def test_template_schema_url_and_manifest_version_agree(good):
    assert good["$schema"] == (f"https://developer.microsoft.com/json-schemas/teams/v{good['manifestVersion']}"
                               "/MicrosoftTeams.schema.json")


def mutate(manifest, change):
    broken = copy.deepcopy(manifest)
    change(broken)
    return packaging.manifest_problems(broken)


@pytest.mark.parametrize("change, expected", [
    (lambda m: m["name"].update(short="Sales Follow-Up Copilot for Teams"), "name.short must be 1-30 characters, has 33"),
    (lambda m: m["description"].update(short="x" * 81), "description.short must be 1-80 characters, has 81"),
    (lambda m: m["description"].update(full="y" * 4001), "description.full must be 1-4000 characters, has 4001"),
    (lambda m: m["description"].update(full=m["description"]["short"]), "description.full must say more"),
    (lambda m: m.update(version="1.0.0-rc1"), "version '1.0.0-rc1' is not numeric semver"),
    (lambda m: m.update(manifestVersion="1.22"), "manifestVersion '1.22' does not match $schema"),
    (lambda m: m["bots"][0]["commandLists"][0]["commands"].append({"title": "help", "description": "again"}),
     "repeats command titles: help"),
    (lambda m: m["bots"][0]["commandLists"][1]["scopes"].append("personal"), "scope 'personal' has more than one command list"),
    (lambda m: m["bots"][0].update(scopes=["personal"]), "command list scope 'team' is not a bot scope"),
    (lambda m: m["validDomains"].append("https://bot.example.com"), "must be a host name without scheme or path"),
    (lambda m: m["bots"][0].update(botId="${{BOT_ID}}"), "placeholder ${{BOT_ID}} was not filled"),
    (lambda m: m["webApplicationInfo"].update(id="abc"), "webApplicationInfo.id 'abc' is not a GUID"),
])
def test_each_rule_break_is_named(good, change, expected):
    problems = mutate(good, change)
    assert any(expected in problem for problem in problems), problems


def test_name_of_exactly_30_characters_is_allowed(good):
    assert mutate(good, lambda m: m["name"].update(short="x" * 30)) == []


def test_icon_sizes_are_enforced():
    assert packaging.icon_problems("color", "color.png", png((192, 192), (20, 90, 160, 255))) == []
    assert packaging.icon_problems("color", "color.png", png((96, 96), (20, 90, 160, 255))) == [
        "color.png: must be 192x192 pixels, is 96x96"]
    assert packaging.icon_problems("outline", "outline.png", png((192, 192), (0, 0, 0, 0)))[0] == (
        "outline.png: must be 32x32 pixels, is 192x192")


def test_outline_with_only_white_and_transparent_pixels_passes():
    assert packaging.icon_problems("outline", "outline.png", outline_with((0, 0, 0, 0))) == []
    # half-transparent white (anti-aliased edge) is still white
    assert packaging.icon_problems("outline", "outline.png", outline_with((255, 255, 255, 128))) == []


def test_outline_with_one_coloured_pixel_is_refused():
    problems = packaging.icon_problems("outline", "outline.png", outline_with((27, 94, 158, 255)))
    assert problems == ["outline.png: outline icon may only hold white or transparent pixels, 1 are coloured"]


def test_outline_without_transparency_is_refused():
    problems = packaging.icon_problems("outline", "outline.png", png((32, 32), (255, 255, 255), mode="RGB"))
    assert problems == ["outline.png: outline icon needs a transparent background, no pixel is transparent"]


def test_empty_outline_is_refused():
    assert packaging.icon_problems("outline", "outline.png", png((32, 32), (0, 0, 0, 0))) == [
        "outline.png: outline icon is empty (every pixel is transparent)"]


def test_icon_that_is_not_png_or_not_an_image_is_refused():
    jpeg = png((192, 192), (20, 90, 160), mode="RGB", fmt="JPEG")
    assert packaging.icon_problems("color", "color.png", jpeg) == ["color.png: must be a PNG, is JPEG"]
    assert packaging.icon_problems("color", "color.png", b"not an image")[0].startswith("color.png: not a readable image")


def test_shipped_icons_have_the_teams_sizes(repo_root):
    assert Image.open(repo_root / "manifest" / "color.png").size == (192, 192)
    assert Image.open(repo_root / "manifest" / "outline.png").size == (32, 32)


def test_make_icons_redraws_the_committed_pngs_exactly(tmp_path, repo_root):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_icons", repo_root / "manifest" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(tmp_path) == 0
    for name in packaging.ICON_FILES:
        fresh = Image.open(tmp_path / name).convert("RGBA")
        committed = Image.open(repo_root / "manifest" / name).convert("RGBA")
        assert fresh.tobytes() == committed.tobytes(), name


def test_template_is_valid_json_with_placeholders(repo_root):
    text = (repo_root / "manifest" / packaging.TEMPLATE_NAME).read_text()
    assert {"BOT_ID", "APP_ID", "BOT_DOMAIN", "APP_VERSION"} <= set(packaging._PLACEHOLDER.findall(text))
    json.loads(text)
