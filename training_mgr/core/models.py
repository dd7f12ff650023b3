from sqlalchemy import BigInteger, Double, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DataState(db.Model):
    """One row naming the state of all the data: its version goes up with every commit that writes anything.

    Kept by ``core.pagecache`` (which also creates the row when it is missing) and read there to tell
    whether a page drawn earlier still shows the data as it is.
    """

    __tablename__ = "data_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: random per database: an emptied or restored database starts a new epoch, so that equal version
    #: numbers of two different databases are never taken for the same data
    epoch: Mapped[int] = mapped_column(BigInteger)
    data_version: Mapped[int] = mapped_column(BigInteger)


class RateLimitCounter(db.Model):
    """One rate-limit counter for one window, shared by every worker and server (``core.ratelimit``).

    Written only by ``core.ratelimit.DatabaseStorage``, on its own connection, with one atomic upsert per hit;
    rows whose window has ended are deleted now and then.
    """

    __tablename__ = "rate_limit_counters"

    #: SHA-256 (hex) of the limiter's key, which names the limit and holds an e-mail or client address: the
    #: table keeps neither in the clear
    counter_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: requests counted in the current window
    hits: Mapped[int]
    #: end of the current window, in Unix seconds
    expires_at: Mapped[float] = mapped_column(Double, index=True)


class DataVersion(db.Model):
    """The version of one table: raised by every commit that writes to it (``core.pagecache``).

    A cached page keeps the versions of the tables it read, and is served again only while they are unchanged.
    """

    __tablename__ = "data_versions"

    #: a table's name, or "*" for a write whose table could not be told (every page depends on it)
    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
