"""Write a migration of an app that installs its summary triggers as the declarations generate.

Run it after changing a summary declaration (``summary`` of a table in an app's summaries.py)
and ``makemigrations`` (a new summary table is created first), on a database migrated to the
latest migrations: the test ``test_installed_summary_triggers_match_the_declarations`` says
when. The migration holds the SQL as frozen text, like any other migration's; its reverse
is what the database held before. A new summary table is filled from the records.
"""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from core.summaries import migration_sql

TEMPLATE = """# Written by manage.py summary_triggers: the {app_label} summary triggers as the declarations
# (core.summaries) generated them. Frozen text: later changes come in new migrations.

from django.db import migrations

FORWARD = {forward}

BACKWARD = {backward}


class Migration(migrations.Migration):
    dependencies = {dependencies!r}

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
"""


def literal(sql: str) -> str:
    """A Python literal of ``sql``: a triple-quoted string where one can hold it."""
    if '"""' in sql or "\\" in sql:
        return repr(sql)
    return f'"""\\\n{sql}"""'


class Command(BaseCommand):
    help = "Write a migration installing an app's summary triggers as the declarations generate."

    def add_arguments(self, parser):
        parser.add_argument("app_label", help="orgs, members or funds")
        parser.add_argument("--name", default="summary_triggers", help="The migration's name.")
        parser.add_argument(
            "--print", action="store_true", dest="print_only", help="print it, write no file"
        )

    def handle(self, *args, app_label, name, print_only, **options):
        config = apps.get_app_config(app_label)
        with connection.cursor() as cursor:
            forward, backward = migration_sql(cursor, app_label)
        if not forward:
            self.stdout.write(f"No changes: {app_label}'s summary triggers are as declared.")
            return
        loader = MigrationLoader(None, ignore_no_migrations=True)
        leaf = max(loader.graph.leaf_nodes(app_label))[1]
        text = TEMPLATE.format(
            app_label=app_label,
            forward=literal(forward),
            backward=literal(backward),
            dependencies=[(app_label, leaf)],
        )
        if print_only:
            self.stdout.write(text)
            return
        path = Path(config.path) / "migrations" / f"{int(leaf[:4]) + 1:04d}_{name}.py"
        path.write_text(text, encoding="utf-8")
        self.stdout.write(str(path))
