-- Runs once, when the postgres volume is first created: Signoff's own roles and
-- database, apart from Temporal's. signoff owns the schema and runs the migrations;
-- the services log in as signoff_runtime, a member of signoff_app, which may not change
-- the append-only tables (store/migrations/00014_app_role.sql). A volume created before
-- these roles existed: run the three role statements by hand, as postgres.
CREATE ROLE signoff LOGIN PASSWORD 'signoff';
CREATE ROLE signoff_app NOLOGIN;
CREATE ROLE signoff_runtime LOGIN PASSWORD 'signoff_runtime' IN ROLE signoff_app;
CREATE DATABASE signoff OWNER signoff;
