"""Create the PostgreSQL database that DATABASE_URL names when it does not exist yet (bin/run calls it)."""

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from psycopg import sql


class Command(BaseCommand):
    help = "Create the PostgreSQL database of DATABASE_URL if it is missing; nothing to do on SQLite."

    def handle(self, *args, **options):
        db = connections["default"].settings_dict
        if connections["default"].vendor != "postgresql":
            return
        # The server's maintenance database always exists; the named one may not.
        params = {
            "dbname": "postgres",
            "user": db["USER"] or None,
            "password": db["PASSWORD"] or None,
            "host": db["HOST"] or None,
            "port": db["PORT"] or None,
        }
        try:
            with psycopg.connect(**{k: v for k, v in params.items() if v}, autocommit=True) as conn:
                if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone():
                    return
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
        except psycopg.Error as exc:
            raise CommandError(
                f"cannot create the database {db['NAME']!r} ({exc}); create it with: createdb {db['NAME']}"
            ) from exc
        self.stdout.write(f"created the PostgreSQL database {db['NAME']}")
