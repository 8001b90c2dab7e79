"""The mypyc build of the parser (cables/parser/native.py): in use after bin/setup, identical in what it reads to
the plain sources, and never used once a source has changed since it was built."""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

import cables.parser
from cables.parser import CableParseError, native

ROOT = Path(__file__).resolve().parents[2]
FORCED_PLAIN = os.environ.get("CABLES_PARSER") == "python"


def plain_parser(monkeypatch):
    """The same sources imported a second time as plain Python, under another package name."""
    monkeypatch.setenv("CABLES_PARSER", "python")
    name = "plain_cables_parser"
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        monkeypatch.delitem(sys.modules, key)
    spec = importlib.util.spec_from_file_location(
        name, native.HERE / "__init__.py", submodule_search_locations=[str(native.HERE)]
    )
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def variants(text: str):
    """The cable and the shapes real copies take: re-cased, CRLF, cut short, without its line breaks."""
    yield text
    yield text.lower()
    yield text.upper()
    yield text.replace("\n", "\r\n")
    yield text[: len(text) // 2]
    yield " ".join(text.split("\n")[:40])


def outcome(parser, text: str, name: str):
    try:
        return parser.parse(text, filename=name).to_dict()
    except CableParseError as error:
        return f"refused: {error}"


@pytest.mark.skipif(FORCED_PLAIN, reason="CABLES_PARSER=python asks for the plain sources")
def test_bin_setup_leaves_the_compiled_parser_in_use():
    assert cables.parser.NATIVE, "bin/setup compiles the parser; see its output for why the build failed"
    assert cables.parser.core.__file__.endswith(native.SUFFIX)
    assert (native.BUILD / "SOURCES").read_text() == native.digest()


@pytest.mark.skipif(not cables.parser.NATIVE, reason="no compiled build in use to compare with")
def test_the_compiled_parser_reads_every_cable_as_the_plain_sources_do(monkeypatch):
    plain = plain_parser(monkeypatch)
    assert not plain.NATIVE and plain.core.__file__.endswith(".py")
    files = sorted((ROOT / "tests" / "data").rglob("*.txt"))
    assert len(files) > 50
    compared = 0
    for path in files:
        for text in variants(path.read_text(encoding="utf-8")):
            assert outcome(cables.parser, text, path.name) == outcome(plain, text, path.name), path.name
            compared += 1
    assert compared == 6 * len(files)


# Both refusals are tested against the build in use: without it, attach would refuse for want of a build.
@pytest.mark.skipif(not cables.parser.NATIVE, reason="no compiled build to refuse")
def test_a_build_of_other_sources_is_never_used(monkeypatch):
    monkeypatch.setattr(native, "digest", lambda: "sources edited since the build")
    path = ["/the/package"]
    assert native.attach(path) is False
    assert path == ["/the/package"]
    monkeypatch.undo()
    assert native.attach(path) is True and path[0] == str(native.BUILD / "cables" / "parser")


def test_the_digest_follows_every_source_byte(tmp_path, monkeypatch):
    for source in native.sources():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    (tmp_path / "native.py").write_text("# the loader is not part of the build")
    monkeypatch.setattr(native, "HERE", tmp_path)
    before = native.digest()
    assert before == native.digest()
    (tmp_path / "native.py").write_text("# edited")
    assert native.digest() == before
    text = (tmp_path / "text.py").read_text()
    (tmp_path / "text.py").write_text(text + "\n")
    assert native.digest() != before


@pytest.mark.skipif(not cables.parser.NATIVE, reason="no compiled build to refuse")
def test_cables_parser_python_forces_the_plain_sources(monkeypatch):
    monkeypatch.setenv("CABLES_PARSER", "python")
    path = ["/the/package"]
    assert native.attach(path) is False
    assert path == ["/the/package"]
