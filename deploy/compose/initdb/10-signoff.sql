-- Runs once, when the postgres volume is first created: Signoff's own role and
-- database, apart from Temporal's.
CREATE ROLE signoff LOGIN PASSWORD 'signoff';
CREATE DATABASE signoff OWNER signoff;
