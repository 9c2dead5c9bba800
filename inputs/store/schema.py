"""The store's tables and the migrations that build them, version by version.

``schema_version`` holds one row: the version of the schema in the database.
:func:`upgrade` runs, in order and in one transaction, every migration above
it, so a database made by an older release is brought up to date the first
time a newer one opens it. Migrations are never edited once released: a
change is a new migration at the end of :data:`MIGRATIONS`.

:data:`METADATA` describes the current tables for queries; the migrations
describe how they came to be, so they do not use it.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from inputs.store import codec

METADATA = sa.MetaData()

schema_version = sa.Table(
    "schema_version", METADATA,
    sa.Column("version", sa.Integer, nullable=False),
)
scenarios = sa.Table(
    "scenarios", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
)
versions = sa.Table(
    "versions", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("user_name", sa.String(200), nullable=True),
    sa.Column("encoding", sa.String(16), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("n_firms", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("scenario_id", "version", name="uq_versions_scenario_version"),
)
drafts = sa.Table(
    "drafts", METADATA,
    sa.Column("draft_id", sa.String(200), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)
what_ifs = sa.Table(
    "what_ifs", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("draft_id", sa.String(200), nullable=False, index=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("encoding", sa.String(16), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("base_scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=True),
    sa.Column("base_version", sa.Integer, nullable=True),
    sa.Column("base_digest", sa.String(64), nullable=True),
    sa.Column("result_summary", sa.Text, nullable=True),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
)
decision_log = sa.Table(
    "decision_log", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("user_name", sa.String(200), nullable=True),
    sa.Column("scenario_name", sa.Text, nullable=False, index=True),
    sa.Column("version", sa.Integer, nullable=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("objective", sa.Float, nullable=True),
    sa.Column("figures", sa.Text, nullable=False),
    sa.Column("solver", sa.Text, nullable=False),
    sa.Column("package_versions", sa.Text, nullable=False),
)


# -- migrations -----------------------------------------------------------------------


def _v1(conn: Connection) -> None:
    """Named scenarios with append-only versions, and drafts."""
    m = sa.MetaData()
    sa.Table("schema_version", m, sa.Column("version", sa.Integer, nullable=False))
    sa.Table(
        "scenarios", m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "versions", m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(200), nullable=True),
        sa.Column("encoding", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.UniqueConstraint("scenario_id", "version", name="uq_versions_scenario_version"),
    )
    sa.Table(
        "drafts", m,
        sa.Column("draft_id", sa.String(200), primary_key=True),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    m.create_all(conn)


def _v2(conn: Connection) -> None:
    """Soft delete of scenarios; a note and the firm count on each version (backfilled)."""
    _add_column(conn, "scenarios", sa.Column("deleted_at", sa.DateTime(timezone=True)))
    _add_column(conn, "versions", sa.Column("note", sa.Text, nullable=False, server_default=""))
    _add_column(conn, "versions",
                sa.Column("n_firms", sa.Integer, nullable=False, server_default="0"))
    rows = conn.execute(sa.text("SELECT id, data FROM versions")).all()
    for row_id, data in rows:
        conn.execute(sa.text("UPDATE versions SET n_firms = :n WHERE id = :id"),
                     {"n": codec.row_count(bytes(data)), "id": row_id})


def _v3(conn: Connection) -> None:
    """What-ifs of each browser session, and the decision log."""
    m = sa.MetaData()
    sa.Table("scenarios", m, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "what_ifs", m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("draft_id", sa.String(200), nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("encoding", sa.String(16), nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.Column("base_scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=True),
        sa.Column("base_version", sa.Integer, nullable=True),
        sa.Column("base_digest", sa.String(64), nullable=True),
        sa.Column("result_summary", sa.Text, nullable=True),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    sa.Table(
        "decision_log", m,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("user_name", sa.String(200), nullable=True),
        sa.Column("scenario_name", sa.Text, nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("objective", sa.Float, nullable=True),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("solver", sa.Text, nullable=False),
        sa.Column("package_versions", sa.Text, nullable=False),
    )
    m.tables["what_ifs"].create(conn)
    m.tables["decision_log"].create(conn)


def _add_column(conn: Connection, table: str, column: sa.Column[object]) -> None:
    kind = column.type.compile(dialect=conn.dialect)
    quote = conn.dialect.identifier_preparer.quote
    sql = f"ALTER TABLE {quote(table)} ADD COLUMN {quote(column.name)} {kind}"
    default = column.server_default
    if isinstance(default, sa.DefaultClause):
        sql += f" DEFAULT '{default.arg}'" if isinstance(default.arg, str) else ""
    if not column.nullable:
        sql += " NOT NULL"
    conn.execute(sa.text(sql))


#: Migration k (1-based) brings the schema from version k-1 to k.
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2, _v3)
CURRENT = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    """The schema version of the database (0 when it is empty)."""
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    found = conn.execute(sa.text("SELECT max(version) FROM schema_version")).scalar()
    return int(found or 0)


def upgrade(conn: Connection, target: int = CURRENT) -> int:
    """Run the migrations from the database's version up to ``target``; return it.

    The caller holds a write transaction (and on PostgreSQL an advisory lock),
    so two programs opening a new database at once migrate it once.
    """
    found = current_version(conn)
    for number in range(found + 1, target + 1):
        MIGRATIONS[number - 1](conn)
        conn.execute(sa.text("DELETE FROM schema_version"))
        conn.execute(sa.text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": number})
    return max(found, target)
