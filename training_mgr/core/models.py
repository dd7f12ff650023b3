from sqlalchemy import BigInteger
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
