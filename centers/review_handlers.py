"""Registers, at start-up, what the review queue's decisions do to the centers' things.

Each module below calls review.handlers.review_handler_register for the kinds it owns:
profiles and subject types (permissions, profiles), practitioners, unbind requests; people_login
registers the practitioners' certificate login with pki.login_hooks.
"""

from centers import (  # noqa: F401
    people_login,
    permissions,
    practitioners,
    profiles,
    unbind,
)
