"""The SQL of TaskingTally: the count, the rebuild and the triggers that keep it.

Like stats_sql.py: plain strings with no model import, shared by dashboards/stats.py (the rebuild and
the recount) and the migration that installs the triggers (today 0017_tasking_tally; only the newest
migration that changes this SQL installs it). The map reads the table through the ORM (mapdata.py).
"""

from .stats_sql import IS_DELIVERY

STEPS = {"deliver": "x.delivery", "talking": "x.kind = 'talking_points'", "report": "x.kind = 'report_back'"}
STATUSES = {"total": "TRUE", "done": "x.status = 'done'", "not": "x.status = 'not_delivered'", "open": "x.status = 'open'"}
COUNTS = tuple(f"{step}_{status}" for step in STEPS for status in STATUSES)
COLUMNS = ("demarche_post_id", "demarche_id", "post_id", "audience", "due", "latest", *COUNTS)

# The tally rows of the tasks `{where}` names (a condition on `t`): the live tasks of issued demarches,
# per tasking, audience and due date. `latest` marks each tasking and audience's last due date.
TALLY_SELECT = (
    "SELECT x.demarche_post_id, x.demarche_id, x.post_id, x.audience, x.due,"
    " x.due = max(x.due) OVER (PARTITION BY x.demarche_post_id, x.audience), "
    + ", ".join(
        f"count(*) FILTER (WHERE {STEPS[step]} AND {STATUSES[status]})"
        for step in STEPS
        for status in STATUSES
    )
    + f"""
FROM (
    SELECT t.demarche_post_id, t.demarche_id, t.post_id, t.audience, t.due, t.kind, t.status,
           {IS_DELIVERY} AS delivery
    FROM outreach_posttask t
    WHERE t.status <> 'cancelled' AND ({{where}})
      AND t.demarche_id IN (SELECT id FROM outreach_demarche WHERE state = 'issued')
) x
GROUP BY x.demarche_post_id, x.demarche_id, x.post_id, x.audience, x.due
"""
)
INSERT = f"INSERT INTO outreach_taskingtally ({', '.join(COLUMNS)}) "
REBUILD_SQL = "DELETE FROM outreach_taskingtally;\n" + INSERT + TALLY_SELECT.format(where="TRUE")

# A tasking's rows are recounted whole: whether talking points are a delivery depends on its other tasks.
RECOUNT = f"""
CREATE OR REPLACE FUNCTION outreach_tally_recount(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM outreach_taskingtally WHERE demarche_post_id = ANY(ids);
    {INSERT}{TALLY_SELECT.format(where="t.demarche_post_id = ANY(ids)")};
END $$;
"""

# Two writers of one tasking must recount one after the other, each from a snapshot taken after the
# other's commit, or the later one would write counts missing the earlier one's change (or a step recorded
# as its demarche closes would put the closed demarche's rows back). So every trigger first locks the
# demarches' DemarcheStats rows, as the stats triggers do (the same rows, in the same order, and these
# triggers' names sort after theirs, so they fire second and lock nothing new); the recount is a later
# statement, with a snapshot taken after the lock.
LOCK = """
    PERFORM 1 FROM outreach_demarchestats
    WHERE demarche_id IN (SELECT demarche_id FROM outreach_demarchepost WHERE id = ANY(ids))
    ORDER BY demarche_id FOR NO KEY UPDATE;
"""

TASK_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_tally_task_{op}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
    SELECT array_agg(DISTINCT x.id) INTO ids FROM ({rows}) AS x (id);
    IF ids IS NOT NULL THEN
        """ + LOCK + """
        PERFORM outreach_tally_recount(ids);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_tally_task_{op} AFTER {event} ON outreach_posttask
    REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION outreach_tally_task_{op}();
"""

# An update counts only if it changes what the tally reads (a delivery's note or a reminder's stamp does not).
_READ = "status, due, kind, audience, post_id, demarche_id, demarche_post_id"
_CHANGED = (
    "SELECT unnest(ARRAY[n.demarche_post_id, o.demarche_post_id]) FROM new_rows n JOIN old_rows o ON o.id = n.id"
    f" WHERE ({', '.join('n.' + c for c in _READ.split(', '))})"
    f" IS DISTINCT FROM ({', '.join('o.' + c for c in _READ.split(', '))})"
)

# Issuing, closing or reopening a demarche recounts all its taskings: rows appear, or go.
DEMARCHE_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_tally_demarche_state() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE ids bigint[];
BEGIN
    ids := ARRAY(SELECT id FROM outreach_demarchepost WHERE demarche_id = NEW.id);
    """ + LOCK + """
    PERFORM outreach_tally_recount(ids);
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_tally_demarche_state AFTER UPDATE OF state ON outreach_demarche
    FOR EACH ROW WHEN ((OLD.state = 'issued') IS DISTINCT FROM (NEW.state = 'issued'))
    EXECUTE FUNCTION outreach_tally_demarche_state();
"""


def triggers() -> str:
    """The CREATE statements of the recount and of every trigger that keeps TaskingTally."""
    sql = [RECOUNT, DEMARCHE_TRIGGER]
    for op, event, refs, rows in (
        ("ins", "INSERT", "NEW TABLE AS new_rows", "SELECT demarche_post_id FROM new_rows"),
        ("del", "DELETE", "OLD TABLE AS old_rows", "SELECT demarche_post_id FROM old_rows"),
        ("upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", _CHANGED),
    ):
        sql.append(TASK_TRIGGER.format(op=op, event=event, refs=refs, rows=rows))
    return "\n".join(sql)


DROP_TRIGGERS = (
    "DROP TRIGGER IF EXISTS outreach_tally_demarche_state ON outreach_demarche;\n"
    "DROP FUNCTION IF EXISTS outreach_tally_demarche_state();\n"
    + "".join(
        f"DROP TRIGGER IF EXISTS outreach_tally_task_{op} ON outreach_posttask;\n"
        f"DROP FUNCTION IF EXISTS outreach_tally_task_{op}();\n"
        for op in ("ins", "del", "upd")
    )
    + "DROP FUNCTION IF EXISTS outreach_tally_recount(bigint[]);\n"
)
