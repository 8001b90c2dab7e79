"""The parser compiled by mypyc: the same sources as C extension modules, a quarter faster or more
(cables/parser/README.md, Performance). bin/setup builds it into build/parser/:

    python -c 'import sys, cables.parser.native as n; sys.exit(n.build())'   # build, or say it is up to date

The package takes the compiled modules only when they were built from exactly the sources beside this file, so an
edited source runs as plain Python until the next build, and a machine without a C compiler runs plain Python.
CABLES_PARSER=python forces the plain sources. This module and __init__ stay plain Python: they choose.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent.parent / "build" / "parser"
PLAIN = frozenset({"__init__.py", "native.py"})
SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"


def sources() -> list[Path]:
    return sorted(path for path in HERE.glob("*.py") if path.name not in PLAIN)


def digest() -> str:
    """What a build must have been made from: these sources, for this interpreter."""
    found = hashlib.sha256(f"{sys.implementation.cache_tag} {SUFFIX}".encode())
    for path in sources():
        found.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return found.hexdigest()


def attach(package_path: list[str]) -> bool:
    """Put the compiled modules ahead of the sources on the package's path when they match the sources."""
    if os.environ.get("CABLES_PARSER") == "python":
        return False
    try:
        if (BUILD / "SOURCES").read_text() != digest():
            return False
        [library] = BUILD.glob(f"*__mypyc{SUFFIX}")  # the one shared library the module stubs import by name
        name = library.name[: -len(SUFFIX)]
        if name not in sys.modules:
            spec = importlib.util.spec_from_file_location(name, library)
            if spec is None or spec.loader is None:
                return False
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            sys.modules[name] = module
    except (OSError, ValueError, ImportError):  # no build, two libraries, or one this interpreter cannot load
        return False
    package_path.insert(0, str(BUILD / "cables" / "parser"))
    return True


def build() -> int:
    """Compile the sources into BUILD with mypyc (which type-checks them first); 0 when built or up to date."""
    want = digest()
    if (BUILD / "SOURCES").is_file() and (BUILD / "SOURCES").read_text() == want:
        print("parser: the compiled build is up to date")
        return 0
    work = BUILD.with_name(f"parser.tmp{os.getpid()}")  # two setups at once each build their own
    shutil.rmtree(work, ignore_errors=True)
    package = work / "cables" / "parser"
    package.mkdir(parents=True)
    (work / "cables" / "__init__.py").write_text("")
    for path in HERE.glob("*.py"):
        shutil.copy2(path, package / path.name)
    command = [sys.executable, "-m", "mypyc", *(f"cables/parser/{path.name}" for path in sources())]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        shutil.rmtree(work, ignore_errors=True)
        print(f"parser: the compiled build failed; the parser runs as plain Python\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return 1
    for leftover in ("build", ".mypy_cache"):  # C sources and objects: only the libraries are loaded
        shutil.rmtree(work / leftover, ignore_errors=True)
    (work / "SOURCES").write_text(want)
    shutil.rmtree(BUILD, ignore_errors=True)
    work.rename(BUILD)
    print(f"parser: compiled into {BUILD}")
    return 0
