"""requirements.txt and constraints.txt: every package the project installs
is pinned, and the virtualenv holds exactly the pinned versions."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PROJECT_DIR = Path(__file__).resolve().parents[2]


def pins(path: Path) -> dict[str, str]:
    """name -> version of each `name==version` line; nothing else allowed."""
    found = {}
    for line in path.read_text().splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        found[canonicalize_name(match[1])] = match[2]
    return found


def required_closure(roots: list[str]) -> set[str]:
    """The distributions ``roots`` need, with everything they need in turn,
    as installed here: each one's Requires-Dist, with the extras asked for
    and the markers of this interpreter and platform."""
    needed: set[str] = set()
    queue = [(name, frozenset()) for name in roots]
    seen: set[tuple[str, frozenset]] = set()
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        needed.add(name)
        for spec in metadata.requires(name) or []:
            requirement = Requirement(spec)
            if requirement.marker and not any(
                requirement.marker.evaluate({"extra": extra})
                for extra in (extras or {""})
            ):
                continue
            queue.append(
                (canonicalize_name(requirement.name), frozenset(requirement.extras))
            )
    return needed


def test_every_requirement_is_pinned_at_the_same_version_in_the_constraints():
    requirements = pins(PROJECT_DIR / "requirements.txt")
    constraints = pins(PROJECT_DIR / "constraints.txt")
    assert len(requirements) == 18
    assert {
        name: (version, constraints.get(name))
        for name, version in requirements.items()
        if constraints.get(name) != version
    } == {}


def test_everything_the_requirements_pull_in_is_pinned():
    requirements = pins(PROJECT_DIR / "requirements.txt")
    constraints = pins(PROJECT_DIR / "constraints.txt")
    unpinned = required_closure(sorted(requirements)) - constraints.keys()
    assert sorted(unpinned) == []
    # The closure is the whole lock but pip, which builds the virtualenv
    # and is pinned for that alone: a walk that stopped early would pass
    # the line above with next to nothing.
    assert constraints.keys() - required_closure(sorted(requirements)) == {"pip"}


def test_the_virtualenv_holds_exactly_the_pinned_versions():
    constraints = pins(PROJECT_DIR / "constraints.txt")
    installed = {
        canonicalize_name(dist.metadata["Name"]): dist.version
        for dist in metadata.distributions()
    }
    assert {
        name: (version, installed.get(name))
        for name, version in constraints.items()
        if installed.get(name) != version
    } == {}
