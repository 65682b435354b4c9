"""The scope: which components answer "is ChatGPT down?" (settings.scope_groups and
scope_components), and the component groups learned from a source that has them, for one that
has none (OpenAI's summary.json of 2026: README, "How the status works"). Pure functions."""

from __future__ import annotations

import dataclasses

from .model import Component, Reading
from .settings import Settings


def in_scope(component: Component, settings: Settings) -> bool:
    return in_scope_names(component.group, component.name, component.id, settings)


def in_scope_names(group: str | None, name: str, id: str, settings: Settings) -> bool:
    """The scope rule on a component's names alone, for records that are not a Component."""
    groups = {g.casefold() for g in settings.scope_groups}
    picked = {c.casefold() for c in settings.scope_components}
    if not groups and not picked:
        return True
    return ((group or "").casefold() in groups
            or id.casefold() in picked or name.casefold() in picked)


def learn_groups(reading: Reading, learned: dict[str, str] | None) -> Reading:
    """The reading with each ungrouped component given the group learned for its id.

    Only when the source has no groups at all (OpenAI's summary.json of 2026): a source that
    groups its components is taken at its word."""
    if not learned or any(c.group for c in reading.components):
        return reading
    return dataclasses.replace(reading, components=tuple(
        dataclasses.replace(c, group=learned.get(c.id)) for c in reading.components))


def unplaced_note(reading: Reading, learned: dict[str, str] | None) -> tuple[str, ...]:
    """A note naming the components of a group-less source whose id no earlier reading placed
    in a group (new since then): the scope is matched without them, and the reader is told."""
    if not learned or any(c.group for c in reading.components):
        return ()
    names = [c.name for c in reading.components if c.id not in learned]
    if not names:
        return ()
    shown = ", ".join(repr(n) for n in names[:10]) + (" …" if len(names) > 10 else "")
    return (f"{len(names)} component(s) of this source have an id no earlier reading placed in "
            f"a group, so the scope is matched without them: {shown}",)


def groups_of(reading: Reading | None, learned: dict[str, str] | None = None
              ) -> tuple[tuple[str, str], ...]:
    """What to keep for the next build: the learned mapping, updated by this reading's groups."""
    found = dict(learned or {})
    if reading is not None and reading.components_known:
        found.update({c.id: c.group for c in reading.components if c.group})
    return tuple(sorted(found.items()))
