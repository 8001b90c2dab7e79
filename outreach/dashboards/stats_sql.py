"""The SQL of DemarcheStats: the recount, the rebuild and the PostgreSQL triggers that keep it.

Migration 0005_perf_dashboard_stats creates the triggers from here and dashboards/stats.py recounts and
rebuilds from here, so the definition of each count is written once. Plain strings: no model import,
so the migration can load this module whatever the models look like.
"""

# DemarcheStats recomputed from the tasks and posts: the recount (stats.py) and the rebuild.
STATS_SELECT = """
SELECT d.id,
       COALESCE(p.n, 0),
       COALESCE(t.dt, 0), COALESCE(t.dd, 0), COALESCE(t.rt, 0), COALESCE(t.rd, 0)
FROM outreach_demarche d
LEFT JOIN (
    SELECT demarche_id, count(*) AS n FROM outreach_demarchepost WHERE NOT removed GROUP BY demarche_id
) p ON p.demarche_id = d.id
LEFT JOIN (
    SELECT demarche_id,
           count(*) FILTER (WHERE kind IN ('deliver_non_paper', 'special')) AS dt,
           count(*) FILTER (WHERE kind IN ('deliver_non_paper', 'special') AND status = 'done') AS dd,
           count(*) FILTER (WHERE kind = 'report_back') AS rt,
           count(*) FILTER (WHERE kind = 'report_back' AND status = 'done') AS rd
    FROM outreach_posttask WHERE status <> 'cancelled' GROUP BY demarche_id
) t ON t.demarche_id = d.id
"""
REBUILD_SQL = (
    "INSERT INTO outreach_demarchestats (demarche_id, posts, delivery_total, delivery_done, report_total, report_done)"
    + STATS_SELECT
    + """ON CONFLICT (demarche_id) DO UPDATE SET
    posts = EXCLUDED.posts,
    delivery_total = EXCLUDED.delivery_total, delivery_done = EXCLUDED.delivery_done,
    report_total = EXCLUDED.report_total, report_done = EXCLUDED.report_done
"""
)

DEMARCHE_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_stats_demarche() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outreach_demarchestats (demarche_id, posts, delivery_total, delivery_done, report_total, report_done)
    SELECT id, 0, 0, 0, 0, 0 FROM new_rows ON CONFLICT (demarche_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER outreach_stats_demarche_ins AFTER INSERT ON outreach_demarche
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION outreach_stats_demarche();
"""

# One statement-level trigger per operation (PostgreSQL allows transition tables on single-event
# triggers only): the statement's rows count +1 as they are now and -1 as they were, netted per demarche.
TASK_TRIGGER = """
CREATE OR REPLACE FUNCTION outreach_stats_task_{op}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outreach_demarchestats s SET
        delivery_total = s.delivery_total + c.dt, delivery_done = s.delivery_done + c.dd,
        report_total = s.report_total + c.rt, report_done = s.report_done + c.rd
    FROM (
        SELECT demarche_id,
               COALESCE(sum(sign) FILTER (WHERE kind IN ('deliver_non_paper', 'special')), 0) AS dt,
               COALESCE(sum(sign) FILTER (WHERE kind IN ('deliver_non_paper', 'special') AND status = 'done'), 0) AS dd,
               COALESCE(sum(sign) FILTER (WHERE kind = 'report_back'), 0) AS rt,
               COALESCE(sum(sign) FILTER (WHERE kind = 'report_back' AND status = 'done'), 0) AS rd
        FROM ({rows}) AS x (demarche_id, kind, status, sign)
        WHERE status <> 'cancelled'
        GROUP BY demarche_id
    ) c
    WHERE s.demarche_id = c.demarche_id AND (c.dt, c.dd, c.rt, c.rd) <> (0, 0, 0, 0);
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
""" + "".join(
    f"DROP TRIGGER IF EXISTS outreach_stats_{kind}_{op} ON {table};\n"
    f"DROP FUNCTION IF EXISTS outreach_stats_{kind}_{op}();\n"
    for kind, table in (("task", "outreach_posttask"), ("post", "outreach_demarchepost"))
    for op in ("ins", "del", "upd")
)
