"""requirements/lock.txt (runtime + build backend) and requirements/dev.txt (+ the dev extra) pin every
dependency to one version and PyPI's sha256 of each file; every install (make, CI, Docker) goes through them
with --require-hashes; and they are not stale: pyproject.toml's requirements are all in them, at versions
the requirements allow, and this venv holds exactly the pinned versions. `make lock` rewrites them."""

from __future__ import annotations

import importlib.metadata as md
import re
import tomllib
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements/lock.txt"
DEV_LOCK = ROOT / "requirements/dev.txt"
BUILD_IN = ROOT / "requirements/build.in"
CHECKOV_LOCK = ROOT / "requirements/checkov.txt"  # its own venv (.venv-checkov): checked for pins and hashes only
SHA256 = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class Pin:
    name: NormalizedName
    version: str
    marker: Marker | None
    hashes: frozenset[str]

    def applies(self) -> bool:
        """True when pip installs this line on the running interpreter (markers such as win32 excluded)."""
        return self.marker is None or self.marker.evaluate()


def read_lock(path: Path) -> list[Pin]:
    pins: list[Pin] = []
    for raw in path.read_text().replace("\\\n", " ").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        assert not line.startswith("-"), f"{path.name}: no pip option in a lock (index, find-links, -e): {line}"
        spec, *hashes = re.split(r"\s+--hash=", line)
        req = Requirement(spec)
        [pinned] = req.specifier
        assert pinned.operator == "==" and "*" not in pinned.version, f"{path.name}: {spec} is not an exact pin"
        assert req.url is None and not req.extras, f"{path.name}: {spec}"
        assert hashes and all(SHA256.fullmatch(h) for h in hashes), f"{path.name}: {req.name} lacks sha256 hashes"
        pins.append(Pin(canonicalize_name(req.name), pinned.version, req.marker, frozenset(hashes)))
    return pins


def _installable(pins: Iterable[Pin]) -> dict[NormalizedName, Pin]:
    found: dict[NormalizedName, Pin] = {}
    for pin in pins:
        if pin.applies():
            assert pin.name not in found, f"{pin.name} is pinned twice for this interpreter"
            found[pin.name] = pin
    return found


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _declared(*, dev: bool) -> list[Requirement]:
    """pyproject's runtime requirements and build backend, plus its dev extra when `dev`."""
    project = _pyproject()
    names = [*project["project"]["dependencies"], *project["build-system"]["requires"]]
    if dev:
        names += project["project"]["optional-dependencies"]["dev"]
    return [Requirement(n) for n in names]


def _applies(req: Requirement, extras: Iterable[str] = ("",)) -> bool:
    return req.marker is None or any(req.marker.evaluate({"extra": e}) for e in extras)


def test_locks_pin_every_file_by_sha256() -> None:
    for path in (LOCK, DEV_LOCK, CHECKOV_LOCK):
        pins = read_lock(path)
        assert len(pins) > 20, path
        _installable(pins)
        assert "make lock" in path.read_text().split("\n", 3)[1], f"{path.name}'s header names `make lock`"


def test_every_declared_dependency_is_locked_at_an_allowed_version() -> None:
    for path, dev in ((LOCK, False), (DEV_LOCK, True)):
        pins = _installable(read_lock(path))
        for req in _declared(dev=dev):
            if not _applies(req):
                continue
            pin = pins.get(canonicalize_name(req.name))
            assert pin is not None, f"{req.name} is in pyproject.toml but not in {path.name}: run `make lock`"
            assert req.specifier.contains(pin.version, prereleases=True), (
                f"{path.name} pins {pin.name}=={pin.version}, outside pyproject's {req}: run `make lock`")


def _closure(path: Path, *, dev: bool) -> set[NormalizedName]:
    """Walks the requirements of each installed distribution from pyproject's (extras included), asserting
    that each one this interpreter needs is pinned in `path` at a version it accepts; returns their names."""
    pins = _installable(read_lock(path))
    queue = deque(req for req in _declared(dev=dev) if _applies(req))
    seen: set[tuple[NormalizedName, frozenset[str]]] = set()
    while queue:
        req = queue.popleft()
        name = canonicalize_name(req.name)
        pin = pins.get(name)
        assert pin is not None, f"{path.name} lacks {req}: run `make lock`"
        assert req.specifier.contains(pin.version, prereleases=True), f"{path.name}: {pin.version} breaks {req}"
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        extras = ("", *req.extras)
        queue.extend(sub for sub in map(Requirement, md.requires(name) or []) if _applies(sub, extras))
    return {name for name, _ in seen}


def test_locks_hold_every_dependency_of_what_they_pin() -> None:
    """pip would refuse a lock with a hole anyway (--require-hashes), but this says which and why."""
    for path, dev in ((LOCK, False), (DEV_LOCK, True)):
        needed = _closure(path, dev=dev)
        assert set(_installable(read_lock(path))) - needed == set(), f"{path.name} pins what nothing needs"


def test_venv_holds_exactly_the_dev_lock() -> None:
    wrong = {}
    for pin in _installable(read_lock(DEV_LOCK)).values():
        try:
            installed = md.version(pin.name)
        except md.PackageNotFoundError:
            installed = None
        if installed != pin.version:
            wrong[pin.name] = (installed, pin.version)
    assert wrong == {}, "installed vs locked; run `make venv` (or `make lock` after editing pyproject.toml)"


def test_runtime_lock_is_the_dev_lock_less_the_dev_tools() -> None:
    runtime = {(p.name, p.marker and str(p.marker)): p for p in read_lock(LOCK)}
    dev = {(p.name, p.marker and str(p.marker)): p for p in read_lock(DEV_LOCK)}
    assert set(runtime) <= set(dev)
    assert [key for key, pin in runtime.items() if pin != dev[key]] == []


def test_build_in_is_pyprojects_build_system() -> None:
    build_in = [Requirement(line) for line in BUILD_IN.read_text().splitlines()
                if line.strip() and not line.startswith("#")]
    declared = [Requirement(r) for r in _pyproject()["build-system"]["requires"]]
    assert sorted(map(str, build_in)) == sorted(map(str, declared))


def _make_variables(text: str) -> dict[str, str]:
    return {m[1]: m[2].strip() for m in re.finditer(r"^(\w+)\s*[:?]?=\s*(.*)$", text, re.MULTILINE)}


def _expand(text: str, variables: dict[str, str]) -> str:
    for _ in range(5):
        text = re.sub(r"\$\((\w+)\)", lambda m: variables.get(m[1], m[0]), text)
    return text


def _pip_installs(text: str) -> list[str]:
    joined = text.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if re.search(r"\bpip\b.*\binstall\b", line)]


def test_every_install_goes_through_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text()
    variables = _make_variables(makefile)
    rule = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert rule is not None
    prerequisites = _expand(rule[1], variables).split("|")[0].split()
    assert {"pyproject.toml", "requirements/lock.txt", "requirements/dev.txt"} <= set(prerequisites)
    dockerfile = (ROOT / "docker/Dockerfile").read_text()
    for where, text in (("Makefile", _expand(makefile, variables)), ("Dockerfile", dockerfile)):
        installs = _pip_installs(text)
        assert installs, where
        for line in installs:
            locked = re.search(r"--require-hashes\b.* -r requirements/(lock|dev|checkov)\.txt", line)
            assert locked or "--no-deps" in line, f"{where}: `{line}` resolves outside the lock"
        assert any("--require-hashes" in line for line in installs), where
    assert "--require-hashes -r requirements/dev.txt" in _expand(rule[2], variables)
    assert "--require-hashes --only-binary=:all: -r requirements/lock.txt" in dockerfile
    assert "make test" in (ROOT / ".ci/run").read_text()


def test_lock_target_hashes_against_pypi_alone() -> None:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^lock:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None
    text = _expand(recipe[1], _make_variables(makefile.replace("\\\n", " ")))
    for flag in ("--generate-hashes", "--no-config", "--default-index https://pypi.org/simple", "--universal"):
        assert text.count(flag) == 3, flag


def test_base_image_is_an_exact_python_release() -> None:
    dockerfile = (ROOT / "docker/Dockerfile").read_text()
    args = dict(re.findall(r"^ARG (\w+)=(\S+)$", dockerfile, re.MULTILINE))
    images = [re.sub(r"\$\{(\w+)\}", lambda m: args[m[1]], image)
              for image in re.findall(r"^FROM (\S+)", dockerfile, re.MULTILINE)]
    assert len(images) == 2
    for image in images:
        assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", image), image
