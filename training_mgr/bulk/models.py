"""The durable record of a bulk job (certificates, reports, imports): what it is, who started it, how far it got,
why it failed and the file it made, in the database that every app server and worker shares."""
from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import one_of, utcnow
from ..extensions import db

JOB_STATUSES = ("queued", "running", "done", "failed")


class BulkJob(db.Model):
    """One bulk job started by a user. Written by the job as it goes, read by the job page on any app server."""

    __tablename__ = "bulk_jobs"
    __table_args__ = (one_of("status", JOB_STATUSES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: what it does, one of ``bulk.kinds.KINDS`` (e.g. "certificates.issue")
    kind: Mapped[str] = mapped_column(String(40))
    #: the training it works on; None for the programme reports
    training_id: Mapped[int | None] = mapped_column(ForeignKey("training_sessions.id", ondelete="CASCADE"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(7), default="queued")
    #: what the job needs to run again from the start: ids, filters, the language (JSON)
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    #: items to do (certificates, rows, steps) once known, and items done so far
    total: Mapped[int | None]
    done: Mapped[int] = mapped_column(default=0)
    #: parts a job split into (certificates: ``CERTIFICATE_PART_SIZE`` each), once planned; None: not split
    parts_total: Mapped[int | None]
    #: why it failed, in words for the user who started it
    error: Mapped[str | None] = mapped_column(Text)
    #: how many times a worker took it up (a worker lost mid-job, or the job resumed)
    attempts: Mapped[int] = mapped_column(default=0)
    #: the file it made, kept in the shared database so that every app server can hand it out
    result: Mapped[bytes | None] = mapped_column(db.LargeBinary, deferred=True)
    result_filename: Mapped[str | None] = mapped_column(String(200))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    #: the file holds answers to sensitive registration questions (the visa-support letters' passport numbers): it is
    #: deleted with them, when the training's retention period ends or the person is erased
    #: (``services.drop_sensitive_files``), however long ``JOB_FILES_KEPT_DAYS`` would keep it
    sensitive: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: the file was deleted because personal data of someone it could name was erased (``services.drop_files_naming``)
    erased: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
    started_at = mapped_column(db.DateTime(timezone=True))
    #: the latest sign of life of a worker on it: a stalled job is taken up again (``services.resume_stalled``)
    heartbeat_at = mapped_column(db.DateTime(timezone=True))
    finished_at = mapped_column(db.DateTime(timezone=True))

    training = relationship("TrainingSession")
    started_by = relationship("User")

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")


class BulkJobPart(db.Model):
    """A part of a split job that is done: written in the same commit as the part's work, so a part run twice
    (a worker killed after its commit, a job resumed) does its work once."""

    __tablename__ = "bulk_job_parts"

    job_id: Mapped[int] = mapped_column(ForeignKey("bulk_jobs.id", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    done_at = mapped_column(db.DateTime(timezone=True), default=utcnow, nullable=False)
