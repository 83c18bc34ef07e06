from datetime import date, timedelta

from django import forms

from insights.counting import today
from insights.report import DEFAULT_DAYS, MAX_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RangeForm(forms.Form):
    """The page's days: `?days=N`, the last N days; or `?start=…&end=…`, either may be left out."""

    start = forms.DateField(required=False, label="From", widget=DATE)
    end = forms.DateField(required=False, label="to", widget=DATE)
    days = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_DAYS, widget=forms.HiddenInput
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and start > (end or today()):
            raise forms.ValidationError("The first day is after the last one.")
        if start and end and (end - start).days >= MAX_DAYS:
            raise forms.ValidationError(
                f"Counts are kept for {MAX_DAYS} days: choose a shorter range."
            )
        return data

    def has_dates(self) -> bool:
        return bool(self.cleaned_data.get("start") or self.cleaned_data.get("end"))

    def dates(self) -> tuple[date, date]:
        """The first and last day asked for; the last DEFAULT_DAYS days when nothing valid was."""
        last = today()
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        start, end, days = data.get("start"), data.get("end"), data.get("days")
        if start or end:
            end = end or min(last, start + timedelta(days=MAX_DAYS - 1))
            start = start or end - timedelta(days=DEFAULT_DAYS - 1)
            return start, end
        days = days or DEFAULT_DAYS
        return last - timedelta(days=days - 1), last
