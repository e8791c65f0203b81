"""`manage.py opendata_backfill`: give announcements published before the portal's search columns
and the OCDS releases existed what publishing now writes. Idempotent: an announcement that has its
search columns and its release is left alone, so running it again (make run does) changes nothing.

A release made here describes the process as it stands now, not as it stood when the announcement
was published (that state was not kept); its date is still the publication's.
"""

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Q

from core.audit import SYSTEM, audit_log
from procurement import announcement_search, ocds
from procurement.announcement_models import Announcement, AnnouncementStatus
from procurement.ocds_models import Release

AUDIT_BACKFILLED = "procurement.opendata_backfilled"


class Command(BaseCommand):
    help = "Fill the search columns and the OCDS releases of announcements published before they existed."

    def handle(self, *args: Any, **options: Any) -> None:
        published = Announcement.objects.filter(status=AnnouncementStatus.PUBLISHED).order_by(
            "published_at", "pk"
        )
        indexed = released = 0
        for announcement in published.filter(Q(search_facets="") | Q(release__isnull=True)):
            with transaction.atomic():
                done: dict[str, Any] = {}
                if not announcement.search_facets:
                    announcement_search.search_fields_store(announcement)
                    done["indexed"] = True
                    indexed += 1
                if not Release.objects.filter(announcement=announcement).exists():
                    done["release"] = ocds.release_record(announcement).release_id
                    released += 1
                # Written by the platform itself, audited as every change is.
                audit_log(actor=SYSTEM, action=AUDIT_BACKFILLED, target=announcement, data=done)
        if indexed or released:
            self.stdout.write(
                f"opendata_backfill: {indexed} announcements indexed, {released} releases written"
            )
