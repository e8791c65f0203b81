"""Registers, at start-up, what the review queue's decisions do to the centers' things.

Each module below calls review.handlers.review_handler_register for the kinds it owns.
"""
