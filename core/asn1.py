"""asn1crypto re-encodes a changed structure once per level per access, without this remedy.

asn1crypto (1.5.1, wbond/asn1crypto#256, open) marks a SEQUENCE as changed when a field is set,
and also when a DEFAULT field that the DER leaves out is read (ESSCertIDv2's hashAlgorithm in
every RFC 5816 time-stamp token). The mark is never cleared: every later `.contents` of that node
and of each node above it encodes all children again, and `dump()` asks for `.contents` twice, so
the work doubles with each level. A time-stamp token, 2.7 KB and about twelve levels deep, took
1 to 4 seconds to embed in a seal's CMS, enough for the seal in the browser to time out.

Once a node has been encoded from its children, its encoding is current: the remedy clears the
mark there. A later change to any child sets that child's mark again and is encoded as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asn1crypto import core

_INSTALLED = "_ggzy_settles_after_encoding"


def _settling(encode: Callable[..., None]) -> Callable[..., None]:
    def set_contents(self: Any, force: bool = False) -> None:
        encode(self, force)
        self._mutated = False

    setattr(set_contents, _INSTALLED, True)
    return set_contents


def install() -> None:
    """Idempotent; called by core's AppConfig.ready, before any request or command runs."""
    for cls in (core.Sequence, core.SequenceOf, core.Set, core.SetOf):  # each has its own
        own = cls.__dict__["_set_contents"]
        if not getattr(own, _INSTALLED, False):
            cls._set_contents = _settling(own)
