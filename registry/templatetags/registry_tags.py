from django import forms, template

register = template.Library()


@register.filter
def field_label(form: forms.Form, name: str) -> str:
    """The label of a form's field by name (for the summary of what to fix)."""
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else name
