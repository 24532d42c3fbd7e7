-- Times are unix milliseconds, UTC by definition, identical on both databases.
CREATE TABLE users (
	id            INTEGER PRIMARY KEY AUTOINCREMENT,
	email         TEXT    NOT NULL UNIQUE,
	password_hash TEXT    NOT NULL,
	created_at    INTEGER NOT NULL
);

-- Sessions are looked up by the SHA-256 of the cookie value; the value itself is never stored.
CREATE TABLE sessions (
	id           TEXT    PRIMARY KEY,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf_token   TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_keys (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name         TEXT    NOT NULL,
	prefix       TEXT    NOT NULL,
	key_hash     TEXT    NOT NULL UNIQUE,
	created_at   INTEGER NOT NULL,
	last_used_at INTEGER
);
CREATE INDEX api_keys_user ON api_keys(user_id);

CREATE TABLE social_accounts (
	id                  INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id             INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	platform            TEXT    NOT NULL,
	name                TEXT    NOT NULL,
	platform_account_id TEXT    NOT NULL,
	auth                TEXT    NOT NULL,
	enabled             INTEGER NOT NULL,
	status              TEXT    NOT NULL,
	credentials         TEXT    NOT NULL, -- sealed by internal/vault
	meta                TEXT    NOT NULL,
	token_expires_at    INTEGER,
	refresh_lock_until  INTEGER NOT NULL DEFAULT 0, -- one refresh at a time per account, across processes
	last_error          TEXT    NOT NULL,
	created_at          INTEGER NOT NULL,
	updated_at          INTEGER NOT NULL,
	UNIQUE (user_id, platform, platform_account_id)
);
CREATE INDEX social_accounts_platform_account ON social_accounts(platform, platform_account_id);

CREATE TABLE posts (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	caption      TEXT    NOT NULL,
	image_urls   TEXT    NOT NULL, -- JSON array
	video_url    TEXT    NOT NULL,
	scheduled_at INTEGER,
	created_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL
);
CREATE INDEX posts_user_created ON posts(user_id, id);

CREATE TABLE post_targets (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id          INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
	account_id       INTEGER REFERENCES social_accounts(id) ON DELETE SET NULL,
	platform         TEXT    NOT NULL,
	mode             TEXT    NOT NULL,
	status           TEXT    NOT NULL,
	platform_post_id TEXT    NOT NULL,
	permalink        TEXT    NOT NULL,
	attempts         INTEGER NOT NULL,
	job_id           INTEGER, -- the River job that publishes (or confirms) the target
	attempt_started_at INTEGER,
	published_at     INTEGER,
	error_code       TEXT    NOT NULL,
	error_message    TEXT    NOT NULL,
	updated_at       INTEGER NOT NULL
);
CREATE INDEX post_targets_post ON post_targets(post_id);
CREATE INDEX post_targets_account ON post_targets(account_id);

CREATE TABLE oauth_states (
	id          TEXT    PRIMARY KEY, -- SHA-256 of the state value
	session_id  TEXT    NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	platform    TEXT    NOT NULL,
	verifier    TEXT    NOT NULL, -- sealed PKCE verifier
	created_at  INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL
);

CREATE TABLE data_deletion_requests (
	id               INTEGER PRIMARY KEY AUTOINCREMENT,
	code             TEXT    NOT NULL UNIQUE,
	platform         TEXT    NOT NULL,
	platform_user_id TEXT    NOT NULL,
	accounts_deleted INTEGER NOT NULL,
	jobs_canceled    INTEGER NOT NULL,
	created_at       INTEGER NOT NULL,
	completed_at     INTEGER
);
