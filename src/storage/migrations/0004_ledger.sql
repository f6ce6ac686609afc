-- Double-entry ledger lines as the wallets wrote them (entry_id derives from the message ID),
-- and the payment side: deposits and withdrawals keyed by the provider's reference.
CREATE TABLE ledger_entries (
  entry_id     text PRIMARY KEY,
  wallet       text NOT NULL,
  account      text NOT NULL,
  asset        text NOT NULL,
  amount       bigint NOT NULL,
  reason       text NOT NULL,
  reference_id text,
  created_at   timestamptz NOT NULL
);
CREATE INDEX ledger_entries_wallet ON ledger_entries (wallet, created_at, entry_id);

CREATE TABLE deposits (
  deposit_id   text PRIMARY KEY,
  user_id      text NOT NULL,
  currency     text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  status       text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED')),
  reference    text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX deposits_user ON deposits (user_id, created_at);

CREATE TABLE withdrawals (
  withdrawal_id text PRIMARY KEY,
  user_id       text NOT NULL,
  currency      text NOT NULL,
  amount_cents  bigint NOT NULL CHECK (amount_cents > 0),
  destination   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('PENDING', 'COMPLETED', 'FAILED', 'CANCELLED')),
  reference     text UNIQUE,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL
);
CREATE INDEX withdrawals_user ON withdrawals (user_id, created_at);
