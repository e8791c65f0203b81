"""Other ways a verified certificate may log in, registered by the apps that own them.

A center staff member's personal certificate (review) and a practitioner's certificate activated
by an agency (centers) carry a person's ID number that belongs to no registered subject of its
own right. Each hook looks at the verified holder; when the certificate is one of its own, it logs
the session in and returns where to go next, otherwise None. Hooks are asked in order before the
subject login; they register in their AppConfig.ready().
"""

from collections.abc import Callable

from django.http import HttpRequest

from pki.verify import Holder

LoginHook = Callable[[HttpRequest, Holder], str | None]

_HOOKS: list[LoginHook] = []


def login_hook_register(hook: LoginHook) -> None:
    if hook not in _HOOKS:
        _HOOKS.append(hook)


def login_by_hooks(request: HttpRequest, holder: Holder) -> str | None:
    """The redirect of the first hook that logged the session in, or None."""
    for hook in _HOOKS:
        redirect = hook(request, holder)
        if redirect:
            return redirect
    return None
