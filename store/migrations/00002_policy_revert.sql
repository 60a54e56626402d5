-- +goose Up
-- A policy may be reverted to an earlier document: the same checksum may appear in several
-- versions (A, B, then A again as version 3). Only "same as the latest" is skipped on load.
ALTER TABLE policy_versions DROP CONSTRAINT policy_versions_checksum_key;
CREATE INDEX policy_versions_checksum ON policy_versions (checksum);

-- +goose Down
DROP INDEX policy_versions_checksum;
ALTER TABLE policy_versions ADD CONSTRAINT policy_versions_checksum_key UNIQUE (checksum);
