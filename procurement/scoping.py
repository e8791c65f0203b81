"""One center's rows: procurement's models each belong to one trading center, and every read and
write of them goes through `objects.at(center)` (a center object or its id)."""

from __future__ import annotations

from typing import Self, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)


class AtCenter(models.QuerySet[_M]):
    def at(self, center: object) -> Self:
        return self.filter(center=center)
