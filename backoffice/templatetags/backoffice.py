"""Small display helpers of the back-office templates."""

import datetime as dt

from django import template

from review import calendar, rules

register = template.Library()


@register.filter
def last_day(deadline: dt.datetime) -> dt.date:
    """The last day on which an item due at `deadline` is in time (due_at is the next midnight)."""
    return calendar.last_day(deadline)


@register.filter
def masked(id_number: str) -> str:
    """An ID number in a list: region and check digits only (the full number is on the edit page)."""
    if len(id_number) != 18:
        return id_number
    return f"{id_number[:6]}********{id_number[14:]}"


@register.filter
def action_label(action: str) -> str:
    """An audit row's action as staff read it (older rows' names too), or "" for an action without a label."""
    return rules.ACTION_LABELS.get(action, "")


@register.filter
def is_release(action: str) -> bool:
    """Whether an audit row is a claim released, under its name now or the one older rows carry."""
    return action in rules.RELEASED_ACTIONS
