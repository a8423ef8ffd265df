"""Forms for plans. They check what a person typed; the services check the rules of the work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhucan.campaigns.models import Duty
from zhucan.core.forms import CreateForm, Form
from zhucan.orgs.models import Region
from zhucan.plans.models import SECTIONS, Plan, PlanComment, PlannedActivity, VenueAccess
from zhucan.plans.services import ActivityInput, CommentInput

TEXT_MAX = 5000
# <input type="date"> takes ISO dates only; the localised zh-hans format (2020/05/17) would
# leave the browser's field empty and lose the saved date on the next save.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _section(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PlanForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    aims = _section(gettext_lazy("Aims (活动目标)"))
    leadership = _section(gettext_lazy("Organisation and leadership (组织领导)"))
    publicity = _section(gettext_lazy("Publicity arrangements (宣传安排)"))
    safeguards = _section(gettext_lazy("Safeguards (保障措施)"))
    document = forms.FileField(
        label=gettext_lazy("Plan document (optional)"),
        required=False,
        help_text=gettext_lazy("Your own Word version of the plan (.docx), at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )
    remove_document = forms.BooleanField(
        label=gettext_lazy("Remove the uploaded document"), required=False
    )


@dataclass
class ActivityChoices:
    """The duties and regions an activity row may name, read once for the whole page."""

    duties: dict[int, Duty]
    regions: dict[str, Region]

    @classmethod
    def for_plan(cls, plan: Plan) -> ActivityChoices:
        # Regions of the organisation's city (or province): a short list, not all 6,000.
        code = plan.organisation.region_id
        prefix = code[:2] if code.endswith("0000") else code[:4]
        regions = Region.objects.filter(code__startswith=prefix, is_current=True).order_by("code")
        return cls(
            duties={d.pk: d for d in plan.campaign.duties.all()},
            regions={r.code: r for r in regions},
        )

    @property
    def duty_choices(self) -> list[tuple[Any, str]]:
        empty = ("", _("Not linked to a duty"))
        return [empty, *((pk, f"{d.number}. {d.text[:30]}") for pk, d in self.duties.items())]

    @property
    def region_choices(self) -> list[tuple[str, str]]:
        return [("", _("Not stated")), *((code, r.name) for code, r in self.regions.items())]


class ActivityForm(Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=gettext_lazy("Activity"), max_length=200)
    start_date = forms.DateField(label=gettext_lazy("Start date"), widget=DATE)
    end_date = forms.DateField(label=gettext_lazy("End date"), widget=DATE)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", gettext_lazy("Choose a category")), *PlannedActivity.Category.choices],
    )
    mode = forms.ChoiceField(
        label=gettext_lazy("Online or in person"),
        choices=[("", gettext_lazy("Choose one")), *PlannedActivity.Mode.choices],
    )
    expected_attendance = forms.IntegerField(
        label=gettext_lazy("Expected attendance"),
        min_value=0,
        help_text=gettext_lazy("The number of people expected, for example 30."),
        error_messages={
            "invalid": gettext_lazy("Enter the expected attendance as a whole number, like 30."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    # Plain choices built once per page (not a queryset per row): a plan may list many rows.
    duty = forms.TypedChoiceField(
        label=gettext_lazy("Duty in the notice"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": gettext_lazy("Choose one of the duties of this notice."),
        },
    )
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200, required=False)
    region = forms.ChoiceField(
        label=gettext_lazy("Region"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a region from the list.")},
    )
    safety_measures = forms.CharField(
        label=gettext_lazy("Safety measures"),
        required=False,
        max_length=TEXT_MAX,
        help_text=gettext_lazy("Needed for an activity where people meet in person."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    person_responsible = forms.CharField(label=gettext_lazy("Person responsible"), max_length=40)
    phone = forms.CharField(
        label=gettext_lazy("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    # The public site (what's on): only once the plan is approved, and never the person
    # responsible or their phone.
    is_public = forms.BooleanField(
        label=gettext_lazy("Show this activity on the public site once the plan is approved"),
        required=False,
    )
    online_link = forms.URLField(
        label=gettext_lazy("Online link"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=gettext_lazy("For an online activity: the address people open to join."),
        error_messages={"invalid": gettext_lazy("Enter a web address, like https://example.cn/.")},
        widget=forms.URLInput(attrs={"inputmode": "url"}),
    )
    venue_access = forms.ChoiceField(
        label=gettext_lazy("Accessibility of the venue"),
        required=False,
        choices=VenueAccess.choices,
    )
    by_appointment = forms.BooleanField(
        label=gettext_lazy("By appointment only (people call before they come)"), required=False
    )

    def __init__(self, *args: Any, choices: ActivityChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["duty"].choices = choices.duty_choices  # type: ignore[attr-defined]
        self.fields["region"].choices = choices.region_choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        return data

    def to_input(self) -> ActivityInput:
        data = self.cleaned_data
        return ActivityInput(
            id=data.get("id"),
            title=data["title"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            duty=self.choices.duties.get(data["duty"]) if data.get("duty") else None,
            category=data["category"],
            mode=data["mode"],
            expected_attendance=data["expected_attendance"],
            place=data.get("place", ""),
            region=self.choices.regions.get(data.get("region") or ""),
            safety_measures=data.get("safety_measures", ""),
            person_responsible=data["person_responsible"],
            phone=data.get("phone", ""),
            is_public=bool(data.get("is_public")),
            online_link=data.get("online_link") or "",
            venue_access=data.get("venue_access") or "",
            by_appointment=bool(data.get("by_appointment")),
        )


class BaseActivityFormSet(forms.BaseFormSet[ActivityForm]):
    def add_fields(self, form: ActivityForm, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Remove this activity")


# The empty row at the end adds an activity; only saved rows can be removed.
ActivityFormSet = forms.formset_factory(
    ActivityForm,
    formset=BaseActivityFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=100,
    validate_max=True,
)


def comment_targets(plan: Plan, activities: list[PlannedActivity]) -> list[tuple[str, str]]:
    """What a comment can be about: the plan, a section, or one activity."""
    sections = [(f"section:{key}", str(PlanComment.Section(key).label)) for key in SECTIONS]
    rows = [
        (f"activity:{a.pk}", _("Activity %(n)d: %(title)s") % {"n": n, "title": a.title})
        for n, a in enumerate(activities, start=1)
    ]
    return [("plan", str(PlanComment.Section.WHOLE.label)), *sections, *rows]


class CommentForm(CreateForm):
    target = forms.ChoiceField(label=gettext_lazy("About"))
    text = forms.CharField(
        label=gettext_lazy("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["target"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = targets
        field.error_messages["invalid_choice"] = _("Choose what the comment is about.")

    def to_input(self) -> CommentInput:
        kind, _sep, value = self.cleaned_data["target"].partition(":")
        return CommentInput(
            text=self.cleaned_data.get("text") or "",
            section=value if kind == "section" else "",
            activity_id=int(value) if kind == "activity" else None,
        )


class DecisionForm(CommentForm):
    """Approve or return; returning needs the comment, approving does not."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    # A decision is kept once by the plan's version, not by a token.
    client_id = None  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = False
        self.fields["text"].help_text = gettext_lazy(
            "Needed when you return the plan: say what must change."
        )
        self.order_fields(["version", "target", "text"])


class SafetyRulesForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    max_in_person_attendance = forms.IntegerField(
        label=gettext_lazy("Largest attendance at an in-person activity"),
        required=False,
        min_value=1,
        help_text=gettext_lazy("Leave empty for no limit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    required_measures = forms.CharField(
        label=gettext_lazy("Measures every in-person activity must name"),
        required=False,
        max_length=2000,
        help_text=gettext_lazy("One per line, for example 佩戴口罩, 测温, 保持距离."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    min_online_percent = forms.IntegerField(
        label=gettext_lazy("Smallest share of online activities in a plan (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    enforce = forms.BooleanField(
        label=gettext_lazy("Refuse plans that break these rules"),
        required=False,
        help_text=gettext_lazy(
            "When ticked, a plan that breaks a rule cannot be submitted. When not, it can be "
            "submitted and the author and reviewers see warnings."
        ),
    )

    def clean_required_measures(self) -> list[str]:
        text = self.cleaned_data.get("required_measures") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]
