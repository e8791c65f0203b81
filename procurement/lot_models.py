"""评标结果: what the evaluation of a lot came to, as the center's staff record it (「录入评标结果」)
until the bidder side of the platform records it by itself. The latest row of a lot counts."""

from django.db import models

from procurement.scoping import AtCenter


class EvaluationOutcome(models.TextChoices):
    CANDIDATES = "candidates", "评标结束，已推荐中标候选人"
    NONE = "none", "评标结束，无合格投标（应当废标）"


class EvaluationResultQuerySet(AtCenter["EvaluationResult"]):
    """Evaluation results of one center: objects.at(center)."""


class EvaluationResult(models.Model):
    center = models.ForeignKey(
        "centers.Center", verbose_name="交易中心", on_delete=models.PROTECT, related_name="+"
    )
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name="分包", on_delete=models.PROTECT, related_name="evaluations"
    )
    outcome = models.CharField("评标结果", max_length=20, choices=EvaluationOutcome.choices)
    ended_at = models.DateTimeField("评标结束时间")
    note = models.TextField("说明", blank=True)
    recorded_by = models.CharField("录入人", max_length=100)
    recorded_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = EvaluationResultQuerySet.as_manager()

    class Meta:
        verbose_name = "评标结果"
        verbose_name_plural = "评标结果"
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.lot} {self.get_outcome_display()}"
