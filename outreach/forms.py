"""Forms of the demarche workflow. Each carries the `version` it was rendered with, for conflict checks."""

from django import forms
from django.contrib.auth import get_user_model

from cables.models import Post

from .models import Demarche, PostTask
from .services import bounds

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoundedTexts:
    """Refuse text over its length limit (services.bounds) as a field error, keeping what was typed."""

    def clean(self):
        data = super().clean()
        for name, value in list(data.items()):  # add_error() takes the field out of `data`
            if isinstance(value, str):
                try:
                    bounds.check_texts(**{name: value})
                except forms.ValidationError as exc:
                    self.add_error(name, exc.message_dict[name])
        return data


class BoundedForm(BoundedTexts, forms.Form):
    pass


class VersionedForm(BoundedForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def values(self) -> dict:
        """What the service takes: the cleaned fields but the version, which goes on its own."""
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def with_version(self, version: int) -> "VersionedForm":
        """Return the same typed input, bound to the current version, after a conflict."""
        data = self.data.copy()
        data["version"] = str(version)
        return type(self)(data, **getattr(self, "_extra", {}))


class DemarcheForm(VersionedForm):
    subject = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    instructions = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}))
    deliver_by = forms.DateField(label="Deliver by", widget=DATE)
    report_by = forms.DateField(label="Report back by", widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("deliver_by") and data.get("report_by") and data["report_by"] < data["deliver_by"]:
            self.add_error("report_by", "The report-back date cannot be before the delivery date.")
        return data

    @classmethod
    def for_demarche(cls, demarche: Demarche) -> "DemarcheForm":
        return cls(initial={
            "version": demarche.version, "subject": demarche.subject, "instructions": demarche.instructions,
            "deliver_by": demarche.deliver_by, "report_by": demarche.report_by,
        })


class TaskEditForm(VersionedForm):
    instruction = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    due = forms.DateField(widget=DATE)
    assigned_to = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False,
                                         label="Officer at post")
    clear_flag = forms.BooleanField(required=False, label="The desk officer has resolved the flag")

    def __init__(self, *args, task: PostTask, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra = {"task": task}
        self.fields["assigned_to"].queryset = Post.objects.filter(pk=task.post_id).staff_users()
        if not task.needs_attention:
            del self.fields["clear_flag"]

    @classmethod
    def for_task(cls, task: PostTask) -> "TaskEditForm":
        return cls(task=task, initial={"version": task.version, "instruction": task.instruction,
                                       "due": task.due, "assigned_to": task.assigned_to_id})

    def values(self) -> dict:
        data = self.cleaned_data
        values = {"instruction": data["instruction"], "due": data["due"], "assigned_to": data["assigned_to"]}
        if data.get("clear_flag"):
            values["needs_attention"] = ""
        return values


class OfficialsField(forms.CharField):
    """One official a line: name; title; ministry."""

    widget = forms.Textarea(attrs={"rows": 3, "placeholder": "Name; Title; Ministry (one official a line)"})

    def to_python(self, value):
        value = super().to_python(value)
        if len((value or "").splitlines()) > bounds.MAX_OFFICIALS:
            raise forms.ValidationError(f"At most {bounds.MAX_OFFICIALS} officials, one a line.")
        officials = []
        for line in (value or "").splitlines():
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if not parts[0]:
                raise forms.ValidationError("Each line needs at least the official's name.")
            parts += [""] * (3 - len(parts))
            officials.append({"name": parts[0], "title": parts[1], "ministry": "; ".join(parts[2:]).strip("; ")})
        try:
            bounds.check_officials(officials)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["officials"]) from None
        return officials


class DeliveryForm(VersionedForm):
    delivered_on = forms.DateField(label="Date delivered", widget=DATE)
    method = forms.ChoiceField(choices=PostTask.Method.choices, widget=forms.RadioSelect, label="How")
    officials = OfficialsField(label="Officials met", required=False,
                               help_text="One a line: name; title; ministry. The report back starts from these.")
    # The level the cable asked for is the task's, shown on the page: the post does not type it again.
    response = forms.ChoiceField(choices=[("", "Not known yet")] + list(PostTask.Response.choices), required=False,
                                 label="Host government response")
    response_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    label="Response in their words")

    def __init__(self, *args, task: PostTask | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._extra = {"task": task}
        if task is not None:
            from .services.bounds import delivery_window

            first, last = delivery_window(task)
            self.fields["delivered_on"].help_text = (
                f"Between {first.day} {first:%b} {first.year} (the demarche's issue) and today at "
                f"{task.post.name}, {last.day} {last:%b} {last.year}."
            )
            self.fields["delivered_on"].widget.attrs.update(min=first.isoformat(), max=last.isoformat())

    @classmethod
    def for_task(cls, task: PostTask, *, initial: dict) -> "DeliveryForm":
        return cls(task=task, initial=initial)


class NotDeliveredForm(VersionedForm):
    REASONS = [
        ("", "Choose a reason"),
        ("Post advises against delivery", "Post advises against delivery"),
        ("No appointment granted", "No appointment granted"),
        ("Other", "Other (explain below)"),
    ]
    reason = forms.ChoiceField(choices=REASONS)
    detail = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="Details")

    def clean(self):
        data = super().clean()
        if data.get("reason") == "Other" and not (data.get("detail") or "").strip():
            self.add_error("detail", "Explain why the task was not delivered.")
        return data

    def values(self) -> dict:
        return {"reason": self.reason_text()}

    def reason_text(self) -> str:
        reason, detail = self.cleaned_data["reason"], self.cleaned_data["detail"].strip()
        if reason == "Other":
            return detail
        return f"{reason}: {detail}" if detail else reason


class ReportForm(VersionedForm):
    """The report back: the response and the reply cable. The delivery's date, method and officials were
    recorded at delivery and are not asked again."""

    response = forms.ChoiceField(choices=[("", "Choose the response")] + list(PostTask.Response.choices),
                                 label="Host government response",
                                 error_messages={"required": "Choose the host government's response."})
    response_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                    label="Response in their words",
                                    help_text="What the officials said, as close to their words as you can.")
    reply_reference_id = forms.RegexField(
        regex=r"^\s*\d{2}\s*[A-Za-z ]{2,20}\s*\d{1,7}\s*$", required=False, label="Reply cable",
        help_text="The reference id of your reporting cable, e.g. 09ABUDHABI123, once it is sent.",
        error_messages={"invalid": "Give a reference id such as 09ABUDHABI123."},
    )


class ReasonForm(VersionedForm):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AddPostForm(forms.Form):
    post = forms.ModelChoiceField(queryset=Post.objects.none())

    def __init__(self, *args, demarche: Demarche, **kwargs):
        super().__init__(*args, **kwargs)
        present = demarche.posts.filter(removed=False).values("post_id")
        self.fields["post"].queryset = Post.objects.filter(active=True).exclude(pk__in=present)


class BulkForm(BoundedForm):
    ACTIONS = [("extend", "Extend deadlines"), ("reassign", "Reassign officer"),
               ("acknowledge", "Mark acknowledged on the post's behalf")]
    action = forms.ChoiceField(choices=ACTIONS)
    posts = forms.ModelMultipleChoiceField(queryset=Post.objects.none(), widget=forms.CheckboxSelectMultiple)
    deliver_by = forms.DateField(required=False, widget=DATE)
    report_by = forms.DateField(required=False, widget=DATE)
    officer = forms.ModelChoiceField(queryset=Post.objects.all().staff_users(), required=False)
    reason = forms.CharField(required=False)

    def __init__(self, *args, demarche: Demarche, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = Post.objects.filter(
            demarche_posts__demarche=demarche, demarche_posts__removed=False
        )

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "extend" and not (data.get("deliver_by") or data.get("report_by")):
            self.add_error("deliver_by", "Give a new delivery or report-back date.")
        if action == "acknowledge" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Give the reason for acknowledging on the posts' behalf.")
        return data


class AcknowledgeForm(BoundedForm):
    note = forms.CharField(required=False, label="Reason (when acknowledging on the post's behalf)")


class ConfirmReplyForm(forms.Form):
    task = forms.ModelChoiceField(queryset=PostTask.objects.none(), label="Report-back task")

    def __init__(self, *args, demarche: Demarche, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = demarche.tasks.filter(kind=PostTask.Kind.REPORT_BACK).select_related("post")


class ReminderPolicyForm(VersionedForm):
    """A demarche's reminder overrides; a blank field means the default from settings."""

    # (field, Policy attribute): the upper limits keep the sweep's candidate window small.
    POLICY = (("remind_days_before", "days_before"), ("overdue_every_days", "overdue_every"),
              ("escalate_after_days", "escalate_after"), ("max_reminders", "max_reminders"))
    remind_days_before = forms.IntegerField(required=False, min_value=0, max_value=30,
                                            label="Remind this many days before due")
    overdue_every_days = forms.IntegerField(required=False, min_value=0, max_value=90,
                                            label="When overdue, remind every N days")
    escalate_after_days = forms.IntegerField(required=False, min_value=0, max_value=365,
                                             label="Escalate after N days overdue")
    max_reminders = forms.IntegerField(required=False, min_value=0, max_value=50,
                                       label="At most this many reminders per task")

    def __init__(self, *args, **kwargs):
        from .reminders import Policy

        super().__init__(*args, **kwargs)
        defaults = Policy.from_overrides()
        for name, attr in self.POLICY:
            default = getattr(defaults, attr)
            self.fields[name].help_text = f"Blank: the default ({default}). 0 turns it off."
            self.fields[name].widget.attrs["placeholder"] = str(default)

    @classmethod
    def for_demarche(cls, demarche: Demarche) -> "ReminderPolicyForm":
        return cls(initial={"version": demarche.version, **{name: getattr(demarche, name) for name, _ in cls.POLICY}})

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name, _ in self.POLICY}


class DigestForm(forms.Form):
    daily_digest = forms.TypedChoiceField(
        choices=[("1", "One daily digest"), ("0", "One email per task")], coerce=lambda v: v == "1"
    )
