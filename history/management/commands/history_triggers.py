"""Write a ``history`` migration that installs the history triggers as the models compile them.

Run it after ``makemigrations history`` whenever a tracked model gains, loses or renames a
field (the test ``test_installed_triggers_match_the_models`` says when). The SQL is frozen
in the migration, like any other migration's.
"""

from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db.migrations.loader import MigrationLoader

from history import triggers

TEMPLATE = """# Written by manage.py history_triggers: the history triggers on the tracked tables.

from django.db import migrations

INSTALL = {install!r}

UNINSTALL = {uninstall!r}


class Migration(migrations.Migration):
    dependencies = {dependencies!r}

    operations = [migrations.RunSQL(sql=INSTALL, reverse_sql=UNINSTALL)]
"""


class Command(BaseCommand):
    help = "Write a history migration installing the history triggers of the tracked models."

    def add_arguments(self, parser):
        parser.add_argument("--name", default="triggers", help="The migration's name suffix.")

    def handle(self, *args, name, **options):
        loader = MigrationLoader(None, ignore_no_migrations=True)
        compiled = triggers.compiled()
        apps_tracked = sorted({model._meta.app_label for model, _ in triggers.TRIGGERS})
        dependencies = [
            (label, max(loader.graph.leaf_nodes(label))[1]) for label in ["history", *apps_tracked]
        ]
        number = int(dependencies[0][1][:4]) + 1
        text = TEMPLATE.format(
            install=[trigger.install_sql for trigger in compiled],
            uninstall=[trigger.uninstall_sql for trigger in compiled],
            dependencies=dependencies,
        )
        path = Path(apps.get_app_config("history").path) / "migrations" / f"{number:04d}_{name}.py"
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path} ({len(compiled)} triggers)")
