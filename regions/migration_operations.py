"""Migration operations shared by the apps' migrations."""

from django.db import migrations

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION kinerja_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = 'insert-only table ' || TG_TABLE_NAME || ': ' || TG_OP;
END
$$ LANGUAGE plpgsql
"""


class InsertOnlyTable(migrations.operations.base.Operation):
    """A trigger that refuses UPDATE on an official record's table (and DELETE on
    PostgreSQL), so a change written around the ORM fails too.

    SQLite keeps DELETE possible because the test runner empties tables with DELETE (on
    PostgreSQL it truncates, which row triggers do not see). SQLite also drops a table's
    triggers when a later migration rebuilds the table: re-apply this operation after any
    AlterField on such a table.
    """

    reversible = True

    def __init__(self, table: str) -> None:
        self.table = table

    def deconstruct(self) -> tuple[str, list, dict]:
        return (f"{__name__}.{type(self).__name__}", [self.table], {})

    def state_forwards(self, app_label: str, state: object) -> None:
        pass

    def _trigger(self) -> str:
        return f"{self.table}_insert_only"

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:  # noqa: ANN001
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(_PG_FUNCTION)
            schema_editor.execute(
                f'CREATE TRIGGER "{self._trigger()}" BEFORE UPDATE OR DELETE ON "{self.table}" '
                "FOR EACH ROW EXECUTE FUNCTION kinerja_refuse_change()"
            )
        elif vendor == "sqlite":
            schema_editor.execute(
                f'CREATE TRIGGER "{self._trigger()}" BEFORE UPDATE ON "{self.table}" '
                f"BEGIN SELECT RAISE(ABORT, 'insert-only table {self.table}'); END"
            )

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:  # noqa: ANN001
        vendor = schema_editor.connection.vendor
        if vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self._trigger()}" ON "{self.table}"')
        elif vendor == "sqlite":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS "{self._trigger()}"')

    def describe(self) -> str:
        return f"Refuse updates of {self.table}"
