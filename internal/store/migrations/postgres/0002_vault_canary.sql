-- A value sealed with the secret key when the database is first used, so a
-- start with another key fails at once with a clear message instead of
-- failing later on every account.
CREATE TABLE vault_canary (
	id     INTEGER PRIMARY KEY,
	sealed TEXT NOT NULL
);
