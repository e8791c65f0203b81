"""The forms of 场地预约 and 场地变更 (004 §3.3, §3.4) and of the 场地使用信息 window: they shape the
input (a date, a start time, a length); the services check every rule again (procurement.venues).

A slot is typed as people book a room — a day, a start time, how long — and handed to the
services as an aware start and a duration in the center's time zone (TIME_ZONE)."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from centers.people_forms import AttachmentsMixin
from core.errors import DomainError
from procurement import venue_rules as rules
from procurement.models import Lot, Project, ProjectStatus
from procurement.venue_models import Booking, BookingStatus, Room, RoomKind
from procurement.venue_selectors import Occupied, RoomUsage
from registry.models import Attachment, Subject
from registry.recordforms import AttachmentSlot

STEP_MINUTES = 30
DURATIONS = range(
    int(rules.DURATION_MIN.total_seconds()) // 60,
    int(rules.DURATION_MAX.total_seconds()) // 60 + 1,
    STEP_MINUTES,
)
DEFAULT_MINUTES = 120
# A service names the aware start (starts_at); the form has it as a day and a time.
FIELD_OF = {"starts_at": "start"}
DAY_INVALID = "请按 年-月-日 填写日期，如 2026-12-10。"
TIME_INVALID = "请按 时:分 填写时间，如 09:30。"
LOTS_INVALID = "所选分包不属于该项目，请重新选择。"


def duration_label(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}分钟"
    return f"{hours}小时{rest}分钟" if rest else f"{hours}小时"


def room_label(room: Room) -> str:
    where = f"，{room.location}" if room.location else ""
    return f"{room.name}（{room.get_kind_display()}，可容纳{room.capacity}人{where}）"


class RoomChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return room_label(obj)


class LotChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"第{obj.number}包 {obj.name}" if obj.name else f"第{obj.number}包"


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """A service's refusal, on the field it names (or above the form), the input kept."""
    field = FIELD_OF.get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, error.message)


class SlotForm(forms.Form):
    """A room and a slot of it: what a booking and a change both choose."""

    room = RoomChoiceField(
        label="开评标场地",
        queryset=Room.objects.none(),
        empty_label="请选择场地",
        error_messages={"required": "请选择场地。", "invalid_choice": rules.ROOM_UNAVAILABLE},
    )
    day = forms.DateField(
        label="使用日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请选择使用日期。", "invalid": DAY_INVALID},
    )
    start = forms.TimeField(
        label="开始时间",
        widget=forms.TimeInput(attrs={"type": "time", "step": 60 * 15}, format="%H:%M"),
        help_text="选择开标室时，开始时间即开标时间，必须晚于当前时间。",
        error_messages={"required": "请填写开始时间。", "invalid": TIME_INVALID},
    )
    duration = forms.TypedChoiceField(
        label="使用时长",
        coerce=int,
        choices=[(minutes, duration_label(minutes)) for minutes in DURATIONS],
        initial=DEFAULT_MINUTES,
        error_messages={"invalid_choice": rules.DURATION_OUT_OF_RANGE},
    )

    def __init__(self, *args: Any, rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(RoomChoiceField, self.fields["room"]).queryset = rooms

    @staticmethod
    def slot_initial(booking: Booking) -> dict[str, Any]:
        start = timezone.localtime(booking.starts_at)
        minutes = int((booking.ends_at - booking.starts_at).total_seconds()) // 60
        return {"room": booking.room_id, "day": start.date(), "start": start.time(), "duration": minutes}

    @staticmethod
    def asked_initial(query: Any) -> dict[str, Any]:
        """The day and start a link asks for (?day=2027-01-05&start=09:30: the tender page's 「申请场地
        变更」 after a clarification moved the bid deadline); what does not parse is left out."""
        asked: dict[str, Any] = {}
        with contextlib.suppress(ValueError):
            asked["day"] = dt.date.fromisoformat(str(query.get("day", ""))[:10])
        with contextlib.suppress(ValueError):
            asked["start"] = dt.time.fromisoformat(str(query.get("start", ""))[:5])
        return asked

    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"]))

    def duration_value(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.cleaned_data["duration"])

    def chosen_day(self) -> dt.date | None:
        """The day typed, valid or not yet cleaned: the 场地使用信息 beside the form shows its week."""
        if self.is_bound:
            value = self.data.get(self.add_prefix("day"), "")
            try:
                return dt.date.fromisoformat(str(value))
            except ValueError:
                return None
        initial = self.initial.get("day")
        return initial if isinstance(initial, dt.date) else None


class BookingForm(SlotForm):
    """「开评标场地预约」: the project's lots (选择分包, 004 §3.3.2), a room, a slot, a note."""

    lots = LotChoiceField(
        label="选择分包",
        queryset=Lot.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": rules.LOTS_REQUIRED, "invalid_choice": LOTS_INVALID},
    )
    note = forms.CharField(
        label="备注",
        required=False,
        max_length=rules.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": rules.NOTE_TOO_LONG},
    )

    field_order = ["lots", "room", "day", "start", "duration", "note"]

    def __init__(self, *args: Any, project: Project, rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, rooms=rooms, **kwargs)
        cast(LotChoiceField, self.fields["lots"]).queryset = project.lots.order_by("number")

    @classmethod
    def initial_for(cls, booking: Booking) -> dict[str, Any]:
        return {
            **cls.slot_initial(booking),
            "lots": [lot.pk for lot in booking.lots.all()],
            "note": booking.note,
        }


class ChangeForm(SlotForm):
    """「新增开评标场地变更」: the new room (of the same kind) and slot, and why."""

    reason = forms.CharField(
        label="变更原因",
        max_length=rules.NOTE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "如：采购人申请延期开标，已发布变更公告。"}),
        error_messages={"required": rules.CHANGE_REASON_REQUIRED, "max_length": rules.NOTE_TOO_LONG},
    )

    def __init__(self, *args: Any, booking: Booking, rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, rooms=rooms, **kwargs)
        self.fields["room"].label = f"变更后{booking.room.get_kind_display()}"
        self.fields["day"].label = "变更后日期"
        self.fields["start"].label = f"变更后{rules.TIME_LABELS[booking.room.kind]}"
        self.fields["start"].help_text = "必须晚于当前时间。"


# --- lists and the 场地使用信息 window --------------------------------------------------------------

SHOWN = {"bookings": "场地预约", "changes": "场地变更"}


class BookingFilterForm(forms.Form):
    """The list's filters; a bad value drops that filter only."""

    show = forms.ChoiceField(choices=list(SHOWN.items()), required=False)
    status = forms.ChoiceField(choices=[("", "全部"), *BookingStatus.choices], required=False)
    project = forms.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def value(self, name: str) -> Any:
        if not self.is_bound:
            return self.fields[name].initial
        self.is_valid()
        return self.cleaned_data.get(name)


VIEWS = {"week": "周视图", "day": "日视图"}


@dataclass(frozen=True)
class Window:
    """The days 场地使用信息 shows: a week from its Monday, or one day; and where 上一/下一 lead."""

    view: str
    day: dt.date
    first_day: dt.date
    days: int

    @property
    def previous(self) -> dt.date:
        return self.day - dt.timedelta(days=self.days)

    @property
    def next(self) -> dt.date:
        return self.day + dt.timedelta(days=self.days)

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=self.days - 1)

    @property
    def dates(self) -> list[dt.date]:
        return [self.first_day + dt.timedelta(days=n) for n in range(self.days)]

    def grid(self, usages: list[RoomUsage]) -> Grid:
        """The rooms as rows and the days (week) or the hours (day) as columns, each cell the slots
        that overlap it; the day view lists its slots in full below the grid too."""
        if self.view == "day":
            slots = [slot for usage in usages for slot in usage.slots]
            hours = _hours(self.day, slots)
            columns = [(f"{hour:02d}:00", _at(self.day, hour), _at(self.day, hour + 1)) for hour in hours]
        else:
            columns = [
                (f"{day:%m-%d} 周{WEEKDAYS[day.weekday()]}", _at(day, 0), _at(day, 24)) for day in self.dates
            ]
        rows = [
            GridRow(
                room=usage.room,
                cells=[
                    [slot for slot in usage.slots if slot.starts_at < end and slot.ends_at > start]
                    for _, start, end in columns
                ],
                slots=usage.slots,
            )
            for usage in usages
        ]
        return Grid(columns=[label for label, _, _ in columns], rows=rows)


WEEKDAYS = "一二三四五六日"
DAY_HOURS = (8, 18)  # the hours a day view shows at least: a working day's openings and evaluations


@dataclass(frozen=True)
class GridRow:
    room: Room
    cells: list[list[Occupied]]
    slots: list[Occupied]


@dataclass(frozen=True)
class Grid:
    columns: list[str]
    rows: list[GridRow]

    @property
    def listed(self) -> list[tuple[Room, Occupied]]:
        """Every slot of the window with its room, in time order (the day view's 明细)."""
        pairs = [(row.room, slot) for row in self.rows for slot in row.slots]
        return sorted(pairs, key=lambda pair: (pair[1].starts_at, pair[0].sort, pair[0].pk))


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) + dt.timedelta(hours=hour)


def _hours(day: dt.date, slots: list[Occupied]) -> range:
    """08:00–18:00, widened to the earliest and latest slot of the day."""
    first, last = DAY_HOURS
    for slot in slots:
        start = timezone.localtime(max(slot.starts_at, _at(day, 0)))
        end = timezone.localtime(min(slot.ends_at, _at(day, 24)))
        first = min(first, start.hour if start.date() == day else 0)
        last = max(last, 24 if end.date() != day else end.hour + (1 if end.minute else 0))
    return range(first, last)


class UsageForm(forms.Form):
    """?day=YYYY-MM-DD&view=week|day; anything else is today's week."""

    day = forms.DateField(required=False)
    view = forms.ChoiceField(choices=list(VIEWS.items()), required=False)

    def window(self, default: dt.date | None = None) -> Window:
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        day = data.get("day") or default or timezone.localdate()
        if not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
            day = timezone.localdate()
        view = data.get("view") or "week"
        if view == "day":
            return Window("day", day, day, 1)
        return Window("week", day, day - dt.timedelta(days=day.weekday()), 7)


def approved_only(project: Project) -> str:
    """Why a project cannot be booked yet (004 §3.3 前置条件), or ""; the services say it again."""
    if project.status == ProjectStatus.APPROVED:
        return ""
    return rules.PROJECT_NOT_APPROVED.format(
        name=project.name or project.code, status=project.get_status_display()
    )


# --- the center's rooms (back-office 场地管理) -------------------------------------------------------


class RoomForm(forms.Form):
    """开标室 or 评标室 as the center's staff keep it; procurement.venue_rooms checks it again."""

    name = forms.CharField(
        label="场地名称", max_length=50, error_messages={"required": rules.ROOM_NAME_REQUIRED}
    )
    kind = forms.ChoiceField(
        label="场地类型",
        choices=[("", "请选择"), *RoomKind.choices],
        error_messages={"required": rules.ROOM_KIND_INVALID, "invalid_choice": rules.ROOM_KIND_INVALID},
    )
    capacity = forms.IntegerField(
        label="容纳人数",
        min_value=1,
        max_value=rules.ROOM_CAPACITY_MAX,
        error_messages={
            "required": rules.ROOM_CAPACITY_RANGE,
            "invalid": rules.ROOM_CAPACITY_RANGE,
            "min_value": rules.ROOM_CAPACITY_RANGE,
            "max_value": rules.ROOM_CAPACITY_RANGE,
        },
    )
    location = forms.CharField(label="位置", max_length=100, required=False, help_text="如：三楼301。")
    sort = forms.IntegerField(
        label="排序",
        min_value=0,
        max_value=999,
        initial=0,
        required=False,
        help_text="数字小的排在前面；场地使用信息按此顺序列出场地。",
    )

    @staticmethod
    def initial_for(room: Room) -> dict[str, Any]:
        return {name: getattr(room, name) for name in ("name", "kind", "capacity", "location", "sort")}

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "capacity": data["capacity"],
            "location": data["location"],
            "sort": data["sort"] or 0,
        }


class ReEvaluationForm(AttachmentsMixin, SlotForm):
    """「新增项目复评场地预约」: a 评标室, a slot, the request (004 §3.10)."""

    note = forms.CharField(
        label="备注",
        required=False,
        max_length=rules.NOTE_LIMIT,
        widget=forms.Textarea(
            attrs={"rows": 2, "placeholder": "如：评审因素汇总有误，采购人申请原评标委员会重新评审。"}
        ),
        error_messages={"max_length": rules.NOTE_TOO_LONG},
    )
    request = AttachmentSlot(label=rules.REQUEST_LABEL)

    def __init__(self, *args: Any, subject: Subject, rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, rooms=rooms, **kwargs)
        self.fields["room"].label = "评标室"
        self.fields["start"].help_text = "复评开始时间，必须晚于当前时间。"
        self.subject = subject
        self.load_attachments()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_attachments(cleaned)
        return cleaned

    def request_file(self) -> Attachment | None:
        return self.attachment(self.cleaned_data, "request")

    @classmethod
    def initial_for(cls, booking: Booking) -> dict[str, Any]:
        request = (booking.attachments or {}).get(rules.REQUEST_SLOT) or {}
        return {**cls.slot_initial(booking), "note": booking.note, "request": request.get("id", "")}
