"""Amounts in 元 as people read them in procurement documents: 1,500,000.00."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def yuan(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:,.2f}"
