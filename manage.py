#!/usr/bin/env python
"""Django's command-line utility for the grassroots organization portal."""

import os
import secrets
import sys

#: Commands that never sign data nor read signed data: they run without the deployment's
#: SECRET_KEY (a throwaway one), so checks such as `makemigrations --check` work anywhere,
#: and `make stop-db` stops the embedded server.
CODE_ONLY_COMMANDS = {
    "makemigrations",
    "check_catalog",
    "makemessages",
    "compilemessages",
    "embedded_db",
}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if len(sys.argv) > 1 and sys.argv[1] in CODE_ONLY_COMMANDS:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
