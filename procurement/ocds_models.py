"""Open data (DOMAIN §5): each published announcement is one OCDS release, kept as published.

A release is written in the transaction that publishes its announcement (procurement.ocds), and
never changed afterwards: the change feed, the packages and the daily bulk files all read these rows.
Its links are stored as paths of this site; whoever serves a release makes them absolute.
"""

from django.db import models


class Release(models.Model):
    ocid = models.CharField("OCDS ocid", max_length=120, db_index=True)
    release_id = models.CharField("OCDS release id", max_length=160, unique=True)
    announcement = models.OneToOneField(
        "procurement.Announcement", verbose_name="公告", on_delete=models.PROTECT, related_name="release"
    )
    project = models.ForeignKey(
        "procurement.Project", verbose_name="采购项目", on_delete=models.PROTECT, related_name="releases"
    )
    date = models.DateTimeField("发布时间")
    data = models.JSONField("OCDS release")
    created_at = models.DateTimeField("写入时间", auto_now_add=True)

    class Meta:
        verbose_name = "OCDS release"
        verbose_name_plural = "OCDS releases"
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["project", "date"]), models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.release_id
