"""The `skranke` console command: Django's management commands under one name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skranke.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["skranke", *sys.argv[1:]])


if __name__ == "__main__":
    main()
