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


# -- who did what (schema 4): users, sign-in throttling, decisions, the audit trail ---------

users = sa.Table(
    "users", METADATA,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
)
sign_in_throttle = sa.Table(
    "sign_in_throttle", METADATA,
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("failures", sa.Integer, nullable=False),
    sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
)
decisions = sa.Table(
    "decisions", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("scenario_digest", sa.String(64), nullable=False),
    sa.Column("result_digest", sa.String(64), nullable=False),
    sa.Column("result_data", sa.Text, nullable=False),
    sa.Column("figures", sa.Text, nullable=False),
    sa.Column("note", sa.Text, nullable=False),
    sa.Column("submitted_by", sa.String(200), nullable=False),
    sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("comment", sa.Text, nullable=True),
    sa.Column("audit_seq", sa.Integer, nullable=True),
)
audit_log = sa.Table(
    "audit_log", METADATA,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("action", sa.String(32), nullable=False, index=True),
    sa.Column("target", sa.Text, nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
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


def _v4(conn: Connection) -> None:
    """Users, sign-in throttling, decisions and the audit trail; guards in the database.

    Triggers make versions and the audit log append-only and a decided
    (approved or rejected) decision unchangeable, so even SQL typed by hand
    cannot alter them without first dropping a trigger; the audit log's hash
    chain shows it when someone does.
    """
    m = sa.MetaData()
    sa.Table("scenarios", m, sa.Column("id", sa.Integer, primary_key=True))
    made = [
        sa.Table(
            "users", m,
            sa.Column("name", sa.String(200), primary_key=True),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("password_hash", sa.Text, nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        ),
        sa.Table(
            "sign_in_throttle", m,
            sa.Column("key", sa.String(300), primary_key=True),
            sa.Column("failures", sa.Integer, nullable=False),
            sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        ),
        sa.Table(
            "decisions", m,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("scenario_id", sa.Integer, sa.ForeignKey("scenarios.id"), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("scenario_digest", sa.String(64), nullable=False),
            sa.Column("result_digest", sa.String(64), nullable=False),
            sa.Column("result_data", sa.Text, nullable=False),
            sa.Column("figures", sa.Text, nullable=False),
            sa.Column("note", sa.Text, nullable=False),
            sa.Column("submitted_by", sa.String(200), nullable=False),
            sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("status", sa.String(16), nullable=False),
            sa.Column("decided_by", sa.String(200), nullable=True),
            sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("comment", sa.Text, nullable=True),
            sa.Column("audit_seq", sa.Integer, nullable=True),
        ),
        sa.Table(
            "audit_log", m,
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
            sa.Column("actor", sa.String(200), nullable=False),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("action", sa.String(32), nullable=False, index=True),
            sa.Column("target", sa.Text, nullable=False),
            sa.Column("details", sa.Text, nullable=False),
            sa.Column("prev_hash", sa.String(64), nullable=False),
            sa.Column("hash", sa.String(64), nullable=False),
        ),
    ]
    for table in made:
        table.create(conn)
    for statement in GUARDS.get(conn.dialect.name, ()):
        conn.execute(sa.text(statement))


#: The database-level guards of schema 4 (trigger names are ``guard_*``).
GUARDS: dict[str, tuple[str, ...]] = {
    "sqlite": (
        "CREATE TRIGGER guard_versions_update BEFORE UPDATE ON versions "
        "BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END",
        "CREATE TRIGGER guard_versions_delete BEFORE DELETE ON versions "
        "BEGIN SELECT RAISE(ABORT, 'versions are append-only'); END",
        "CREATE TRIGGER guard_audit_update BEFORE UPDATE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER guard_audit_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END",
        "CREATE TRIGGER guard_decisions_update BEFORE UPDATE ON decisions "
        "WHEN OLD.status <> 'submitted' OR NEW.scenario_id IS NOT OLD.scenario_id "
        "OR NEW.version IS NOT OLD.version OR NEW.scenario_digest IS NOT OLD.scenario_digest "
        "OR NEW.result_digest IS NOT OLD.result_digest "
        "OR NEW.result_data IS NOT OLD.result_data "
        "BEGIN SELECT RAISE(ABORT, 'a decided decision cannot change'); END",
        "CREATE TRIGGER guard_decisions_delete BEFORE DELETE ON decisions "
        "BEGIN SELECT RAISE(ABORT, 'decisions are never deleted'); END",
    ),
    "postgresql": (
        "CREATE FUNCTION guard_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION '% on % is refused: %', TG_OP, TG_TABLE_NAME, TG_ARGV[0]; END $$",
        "CREATE TRIGGER guard_versions BEFORE UPDATE OR DELETE ON versions "
        "FOR EACH ROW EXECUTE FUNCTION guard_refuse('versions are append-only')",
        "CREATE TRIGGER guard_audit BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION guard_refuse('the audit log is append-only')",
        "CREATE TRIGGER guard_decisions_delete BEFORE DELETE ON decisions "
        "FOR EACH ROW EXECUTE FUNCTION guard_refuse('decisions are never deleted')",
        "CREATE TRIGGER guard_decisions_update BEFORE UPDATE ON decisions FOR EACH ROW "
        "WHEN (OLD.status <> 'submitted' OR NEW.scenario_id IS DISTINCT FROM OLD.scenario_id "
        "OR NEW.version IS DISTINCT FROM OLD.version "
        "OR NEW.scenario_digest IS DISTINCT FROM OLD.scenario_digest "
        "OR NEW.result_digest IS DISTINCT FROM OLD.result_digest "
        "OR NEW.result_data IS DISTINCT FROM OLD.result_data) "
        "EXECUTE FUNCTION guard_refuse('a decided decision cannot change')",
    ),
}


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
MIGRATIONS: tuple[Callable[[Connection], None], ...] = (_v1, _v2, _v3, _v4)
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
