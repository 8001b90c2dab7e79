"""Load the collectives reference data (cables/data/collectives.csv) into the database."""

from __future__ import annotations

from datetime import date

from . import collectivedata


def sync_collectives(collective_model, post_model, *, replace_members: bool = False) -> int:
    """Create the collectives of the data file; existing rows keep their edited members unless replace_members.

    Takes the models as arguments so a data migration can pass its historical ones."""
    count = 0
    posts = {post.code: post for post in post_model.objects.all()}
    for info in collectivedata.all_collectives():
        row, created = collective_model.objects.get_or_create(
            key=info.key,
            defaults={
                "name": info.name,
                "aliases": list(info.aliases),
                "routing_indicators": list(info.routing_indicators),
                "as_of": date.fromisoformat(info.as_of),
                "notes": info.source,
            },
        )
        if created or replace_members:
            row.members.set([posts[code] for code in info.members if code in posts])
        count += 1
    return count
