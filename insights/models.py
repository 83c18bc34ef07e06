"""Per-day use counts: what was used, how often; never who used it or what they wrote."""

from django.db import models

from insights.kinds import KINDS, NAME_MAX_LENGTH


class DailyCount(models.Model):
    day = models.DateField()  # UTC
    kind = models.CharField(max_length=16, choices=KINDS)
    name = models.CharField(max_length=NAME_MAX_LENGTH, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = "use count"
        verbose_name_plural = "Uses and wanted terms"
        constraints = [
            models.UniqueConstraint(fields=["day", "kind", "name"], name="dailycount_one_per_day")
        ]
        # The admin page is the only way to look at these: no add/change/delete.
        default_permissions = ()
        permissions = [("view_insights", "Can see the Insights page")]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.name}: {self.count}"
