"""The SQL of DemarcheStats: the recount, the rebuild and the PostgreSQL triggers that keep it.

dashboards/stats.py recounts and rebuilds from here, and a migration installs the triggers from here, so
the definition of each count is written once. Plain strings: no model import. The SQL names today's
columns, so only the newest migration that changes it installs it (today 0016_stats_sort_keys); the
ones before it (0005, 0011) no longer do, or a fresh database would meet columns that do not exist yet.
"""

# A delivery task: the non-paper, a special instruction, or the talking points of a post (and audience)
# with no non-paper to deliver; expressions.DELIVERY is the same rule in the ORM.
IS_DELIVERY = """(t.kind IN ('deliver_non_paper', 'special') OR (t.kind = 'talking_points' AND NOT EXISTS (
    SELECT 1 FROM outreach_posttask n
    WHERE n.demarche_id = t.demarche_id AND n.post_id = t.post_id AND n.audience = t.audience
      AND n.kind = 'deliver_non_paper' AND n.status <> 'cancelled')))"""

# The four task counts of the demarches the surrounding query names `k`.
TASK_COUNTS = f"""
    SELECT count(*) FILTER (WHERE {IS_DELIVERY}) AS dt,
           count(*) FILTER (WHERE {IS_DELIVERY} AND t.status = 'done') AS dd,
           count(*) FILTER (WHERE t.kind = 'report_back') AS rt,
           count(*) FILTER (WHERE t.kind = 'report_back' AND t.status = 'done') AS rd
    FROM outreach_posttask t WHERE t.status <> 'cancelled' AND t.demarche_id = k.id
"""

# DemarcheStats recomputed from the tasks and posts: the recount (stats.py) and the rebuild.
STATS_SELECT = f"""
SELECT k.id, COALESCE(p.n, 0), c.dt, c.dd, c.rt, c.rd, k.state = 'draft'
FROM outreach_demarche k
LEFT JOIN (
    SELECT demarche_id, count(*) AS n FROM outreach_demarchepost WHERE NOT removed GROUP BY demarche_id
) p ON p.demarche_id = k.id
CROSS JOIN LATERAL ({TASK_COUNTS}) c
"""
REBUILD_SQL = (
    "INSERT INTO outreach_demarchestats"
    " (demarche_id, posts, delivery_total, delivery_done, report_total, report_done, draft)"
    + STATS_SELECT
    + """ON CONFLICT (demarche_id) DO UPDATE SET
    posts = EXCLUDED.posts, draft = EXCLUDED.draft,
    delivery_total = EXCLUDED.delivery_total, delivery_done = EXCLUDED.delivery_done,
    report_total = EXCLUDED.report_total, report_done = EXCLUDED.report_done
"""
)

DEMARCHE_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_stats_demarche() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outreach_demarchestats
        (demarche_id, posts, delivery_total, delivery_done, report_total, report_done, draft)
    SELECT id, 0, 0, 0, 0, 0, state = 'draft' FROM new_rows ON CONFLICT (demarche_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_stats_demarche_ins AFTER INSERT ON outreach_demarche
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outreach_stats_demarche();

-- Drafts show no percentages: the stored sort keys follow the demarche's state (issuing, or any write).
CREATE OR REPLACE FUNCTION outreach_stats_demarche_state() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outreach_demarchestats SET draft = NEW.state = 'draft'
    WHERE demarche_id = NEW.id AND draft IS DISTINCT FROM (NEW.state = 'draft');
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_stats_demarche_state AFTER UPDATE OF state ON outreach_demarche
    FOR EACH ROW WHEN (OLD.state IS DISTINCT FROM NEW.state) EXECUTE FUNCTION outreach_stats_demarche_state();
"""

# One statement-level trigger per operation (PostgreSQL allows transition tables on single-event
# triggers only). Whether talking points count as a delivery depends on the other tasks of the post, so
# a change is not a delta of its own rows: the touched demarches are recounted (a few hundred tasks each,
# by index). Their rows are locked first, in id order; the recount is a later statement, so it reads a
# snapshot taken after the lock and sees every transaction that committed while this one waited.
TASK_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_stats_task_{op}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM outreach_demarchestats
    WHERE demarche_id IN (SELECT x.demarche_id FROM ({rows}) AS x (demarche_id, kind, status, sign))
    ORDER BY demarche_id FOR NO KEY UPDATE;
    UPDATE outreach_demarchestats s SET
        delivery_total = c.dt, delivery_done = c.dd, report_total = c.rt, report_done = c.rd
    FROM (
        SELECT k.id, c.* FROM (
            SELECT DISTINCT x.demarche_id AS id FROM ({rows}) AS x (demarche_id, kind, status, sign)
        ) k CROSS JOIN LATERAL (""" + TASK_COUNTS + """) c
    ) c
    WHERE s.demarche_id = c.id
      AND (s.delivery_total, s.delivery_done, s.report_total, s.report_done) <> (c.dt, c.dd, c.rt, c.rd);
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_stats_task_{op} AFTER {event} ON outreach_posttask
    REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION outreach_stats_task_{op}();
"""

POST_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_stats_post_{op}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outreach_demarchestats s SET posts = s.posts + c.n
    FROM (
        SELECT demarche_id, sum(sign) AS n FROM ({rows}) AS x (demarche_id, removed, sign)
        WHERE NOT removed GROUP BY demarche_id
    ) c
    WHERE s.demarche_id = c.demarche_id AND c.n <> 0;
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_stats_post_{op} AFTER {event} ON outreach_demarchepost
    REFERENCING {refs} FOR EACH STATEMENT EXECUTE FUNCTION outreach_stats_post_{op}();
"""


def triggers() -> str:
    """The CREATE statements of every trigger that keeps DemarcheStats."""
    sql = [DEMARCHE_TRIGGER]
    for template, columns in ((TASK_TRIGGER, "demarche_id, kind, status"), (POST_TRIGGER, "demarche_id, removed")):
        new, old = f"SELECT {columns}, 1 FROM new_rows", f"SELECT {columns}, -1 FROM old_rows"
        for op, event, refs, rows in (
            ("ins", "INSERT", "NEW TABLE AS new_rows", new),
            ("del", "DELETE", "OLD TABLE AS old_rows", old),
            ("upd", "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows", f"{new} UNION ALL {old}"),
        ):
            sql.append(template.format(op=op, event=event, refs=refs, rows=rows))
    return "\n".join(sql)


DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS outreach_stats_demarche_ins ON outreach_demarche;
DROP FUNCTION IF EXISTS outreach_stats_demarche();
DROP TRIGGER IF EXISTS outreach_stats_demarche_state ON outreach_demarche;
DROP FUNCTION IF EXISTS outreach_stats_demarche_state();
""" + "".join(
    f"DROP TRIGGER IF EXISTS outreach_stats_{kind}_{op} ON {table};\n"
    f"DROP FUNCTION IF EXISTS outreach_stats_{kind}_{op}();\n"
    for kind, table in (("task", "outreach_posttask"), ("post", "outreach_demarchepost"))
    for op in ("ins", "del", "upd")
)
