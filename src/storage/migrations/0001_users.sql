-- Accounts and API keys. Emails are unique without regard to case.
CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL DEFAULT 'trader' CHECK (role IN ('trader', 'admin', 'service')),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- Only a hash of each key is stored; `prefix` lets a user tell their keys apart.
CREATE TABLE api_keys (
  key_id       text PRIMARY KEY,
  user_id      text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  prefix       text NOT NULL,
  key_hash     text NOT NULL UNIQUE,
  label        text NOT NULL DEFAULT '',
  scopes       text[] NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_keys_user ON api_keys (user_id);
