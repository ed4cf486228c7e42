"""A show's revisions: "Rev A", "Rev B" ... named points in its change log.

Marking a revision records the newest event of the show at that moment and a snapshot of what the
paperwork prints (devices, ports, cables, crosspoints, IP addresses, checklist items), so a
"changes since Rev B" report compares field by field, and the paperwork marks what changed since
the newest revision. A revision is written once and never edited.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vpm.db.base import Base, UTCDateTime, utcnow


class Revision(Base):
    __tablename__ = "revisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    production_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("productions.id", ondelete="CASCADE"), index=True)
    #: "A", "B", ... "AA"; unique per show.
    name: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    #: The newest event of the show when the revision was marked (0 when it had none).
    event_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), default=0)
    #: {entity type: {id: {field: value}}} of what the paperwork prints, as marked.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (UniqueConstraint("production_id", "name", name="uq_revisions_production_id_name"),)
