"""Opening times (ORUK 3.0 `schedule`): one row per day and time range."""

import datetime as dt

from sqlalchemy import Date, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models._base import id_column

# RFC 5545 day codes, in the order a UK week is read (Monday first).
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def weekdays_of(byday: str | None) -> list[str]:
    """The day codes of a schedule's `byday` ("MO,WE"), anything else left out."""
    return [day for day in (byday or "").split(",") if day in WEEKDAYS]


class Schedule(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "schedule"

    id: Mapped[str] = id_column()
    service_id: Mapped[str | None] = mapped_column(ForeignKey("service.id"), index=True)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id"))
    service_at_location_id: Mapped[str | None] = mapped_column(ForeignKey("service_at_location.id"), index=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    dtstart: Mapped[dt.date | None] = mapped_column(Date)
    timezone: Mapped[str | None] = mapped_column(String(50))
    until: Mapped[dt.date | None] = mapped_column(Date)
    count: Mapped[int | None] = mapped_column(Integer)
    wkst: Mapped[str | None] = mapped_column(String(2))
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(50))
    byweekno: Mapped[str | None] = mapped_column(String(50))
    bymonthday: Mapped[str | None] = mapped_column(String(50))
    byyearday: Mapped[str | None] = mapped_column(String(50))
    description: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[dt.time | None] = mapped_column(Time)
    closes_at: Mapped[dt.time | None] = mapped_column(Time)
    schedule_link: Mapped[str | None] = mapped_column(String(500))
    # Free text in Open Referral UK ("You can attend in person or by video"), so not limited.
    attending_type: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    @property
    def day_order(self) -> int:
        day = (self.byday or "").split(",")[0]
        return WEEKDAYS.index(day) if day in WEEKDAYS else len(WEEKDAYS)
