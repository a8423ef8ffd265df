-- 数据库角色 / Database roles for one Zhucan database on PostgreSQL 15+.
--
-- Two roles, so that the audit log holds against the application itself:
--   zhucan_owner  owns the database and every table; runs `manage.py migrate` (and nothing
--                 else). Only an owner can ALTER TABLE … DISABLE TRIGGER, so only this role
--                 could switch off the audit log's append-only triggers.
--   zhucan_app    what the web and worker processes connect as: reads and writes the data,
--                 but on the audit tables (the entries and their seals) only SELECT and
--                 INSERT (no UPDATE, DELETE or TRUNCATE), and owns no table, so it cannot
--                 disable a trigger either.
-- Keep the owner's password off the application servers.
--
-- 1. Once, as a superuser (psql -U postgres), then set each password with \password:
--
--   CREATE ROLE zhucan_owner LOGIN;
--   CREATE ROLE zhucan_app LOGIN;
--   CREATE DATABASE zhucan OWNER zhucan_owner;
--   REVOKE ALL ON DATABASE zhucan FROM PUBLIC;
--   GRANT CONNECT, TEMPORARY ON DATABASE zhucan TO zhucan_app;
--
--    An existing database whose tables belong to another role: as a superuser in it,
--    REASSIGN OWNED BY <that role> TO zhucan_owner; and make the application connect as
--    zhucan_app from then on.
--
-- 2. Migrate as the owner:
--      DATABASE_URL=postgres://zhucan_owner:…@host/zhucan python manage.py migrate
--
-- 3. Then run this file in the database as the owner (or a superuser), and again after
--    every migrate (it is idempotent):
--      psql "postgres://zhucan_owner:…@host/zhucan" -f docs/database-roles.sql
--
-- 4. Run the application with DATABASE_URL=postgres://zhucan_app:…@host/zhucan.

-- BEGIN GRANTS
GRANT USAGE ON SCHEMA public TO zhucan_app;
-- The registry import stages rows in unlogged tables of its own (registry/imports/staging.py);
-- the tables it creates are the only ones it owns.
GRANT CREATE ON SCHEMA public TO zhucan_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO zhucan_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO zhucan_app;
-- rebuild_stats empties the roll-up cells with TRUNCATE (stats/services/rebuild.py).
GRANT TRUNCATE ON stats_cell TO zhucan_app;
-- The audit log and the seals of its chain (core/seals.py): read and append, nothing else.
REVOKE ALL ON core_auditentry FROM zhucan_app;
GRANT SELECT, INSERT ON core_auditentry TO zhucan_app;
REVOKE ALL ON core_auditseal FROM zhucan_app;
GRANT SELECT, INSERT ON core_auditseal TO zhucan_app;
-- Tables and sequences that later migrations create get the same grants (the audit tables
-- exist already, so they keep the narrower ones above).
ALTER DEFAULT PRIVILEGES FOR ROLE zhucan_owner IN SCHEMA public
  GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO zhucan_app;
ALTER DEFAULT PRIVILEGES FOR ROLE zhucan_owner IN SCHEMA public
  GRANT USAGE, SELECT ON SEQUENCES TO zhucan_app;
-- END GRANTS
