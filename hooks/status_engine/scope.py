"""The scope: which components answer "is ChatGPT down?" (settings.scope_groups and
scope_components), the component groups learned from a source that has them, for one that has
none (OpenAI's summary.json of 2026, by id; a feed, by name: README, "How the status works"),
and which incidents concern the scope. Pure functions."""

from __future__ import annotations

from collections.abc import Callable

from .model import Component, Incident, Reading, State
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
    return reading._replace(components=tuple(
        c._replace(group=learned.get(c.id)) for c in reading.components))


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


# -- a feed: components named only, no ids, no groups ---------------------------------------
# A feed's components are the names its open entries list (README, "How the status works").
# Under a set scope, a name is placed by scope_components, or by the groups a reading with
# groups (the native JSON) gave that name: one name can sit in several groups ("Login" in APIs
# and in ChatGPT), and then it is placed only when every one of them is in the scope or none is.

def whole_page(settings: Settings) -> bool:
    return not settings.scope_groups and not settings.scope_components


def learn_group_names(reading: Reading, names: dict[str, tuple[str, ...]] | None,
                      settings: Settings) -> Reading:
    """The feed reading with each component the learned `names` place given that group."""
    if reading.components_known or any(c.group for c in reading.components) or not names:
        return reading
    scope = {g.casefold() for g in settings.scope_groups}
    placed = []
    for c in reading.components:
        groups = names.get(c.name, ())
        inside = {g.casefold() in scope for g in groups}
        placed.append(c._replace(group=groups[0]) if len(inside) == 1 else c)
    return reading._replace(components=tuple(placed))


def unplaced(reading: Reading, settings: Settings) -> tuple[Component, ...]:
    """A feed's components that a set scope cannot place (see `learn_group_names`)."""
    if reading.components_known or whole_page(settings):
        return ()
    return tuple(c for c in reading.components if c.group is None and not in_scope(c, settings))


def why_unplaced(component: Component, names: dict[str, tuple[str, ...]] | None) -> str:
    groups = (names or {}).get(component.name, ())
    if len(groups) > 1:
        return f"{component.name!r} (a name in more than one group: {', '.join(groups)})"
    return f"{component.name!r} (no reading with groups named it)"


def group_names_of(reading: Reading | None, learned: dict[str, tuple[str, ...]] | None = None
                   ) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """What to keep for the next build: component name -> its groups, the learned mapping
    updated by this reading's groups (each name it lists, with every group it sits in)."""
    found = dict(learned or {})
    if reading is not None and reading.components_known:
        seen: dict[str, set[str]] = {}
        for c in reading.components:
            if c.group:
                seen.setdefault(c.name, set()).add(c.group)
        found.update({name: tuple(sorted(groups)) for name, groups in seen.items()})
    return tuple(sorted(found.items()))


# -- which incidents concern the scope ---------------------------------------------------

def touches(component_ids: tuple[str, ...], scope_ids: set[str]) -> bool:
    # Statuspage incidents and maintenances often name no components: they may be ours.
    return not component_ids or not scope_ids or bool(scope_ids.intersection(component_ids))


def named(incident: Incident) -> tuple[str, ...]:
    """Every component the incident names: listed as affected, or in a (timed) impact."""
    return tuple(dict.fromkeys(incident.component_ids
                               + tuple(i.component_id for i in incident.impacts)))


def toucher(reading: Reading, components: tuple[Component, ...], scope_ids: set[str],
            settings: Settings) -> Callable[[tuple[str, ...]], bool]:
    """Whether an incident or maintenance naming these components may concern the scope.
    In a feed under a set scope, only a name placed outside the scope is known not to."""
    if reading.components_known or whole_page(settings):
        return lambda ids: touches(ids, scope_ids)
    outside = {c.id for c in components if c.group is not None and c.id not in scope_ids}
    return lambda ids: not ids or any(i not in outside for i in ids)


def feed_scope_rule(verdict: State, notes: tuple[str, ...], counted: tuple[Incident, ...],
                    reading: Reading, settings: Settings,
                    names: dict[str, tuple[str, ...]] | None) -> tuple[State, tuple[str, ...]]:
    """A feed under a set scope: an open incident naming no component, or components it
    cannot place, leaves the verdict unknown unless an in-scope component already says worse;
    either way the note names them."""
    if whole_page(settings):
        return verdict, notes
    lost = [c for c in unplaced(reading, settings) if any(c.id in named(i) for i in counted)]
    nameless = [i.name for i in counted if not named(i)]
    if not lost and not nameless:
        return verdict, notes
    subject = settings.subject
    if lost:
        shown = ", ".join(why_unplaced(c, names) for c in lost[:10])
        notes += (f"an open incident names components that cannot be placed in the scope: "
                  f"{shown}: cannot tell whether {subject} is affected",)
    if nameless:
        notes += (f"an open incident names no component: cannot tell whether {subject} is "
                  f"affected ({', '.join(repr(n) for n in nameless[:3])})",)
    return (verdict if verdict.disrupts else State.UNKNOWN), notes
