-- Order history written by the sinks. `version` is the wallet's/book's version of the order:
-- an upsert only lands when it is newer (DESIGN §5), so a late or replayed write never wins.
-- No foreign keys: house accounts are not users, and the sink writes out of band.
CREATE TABLE orders (
  order_id         text PRIMARY KEY,
  user_id          text NOT NULL,
  symbol           text NOT NULL,
  side             text NOT NULL CHECK (side IN ('BUY', 'SELL')),
  type             text NOT NULL CHECK (type IN ('LIMIT', 'MARKET', 'STOP', 'STOP_LIMIT')),
  time_in_force    text NOT NULL DEFAULT 'GTC' CHECK (time_in_force IN ('GTC', 'GTD', 'IOC', 'FOK')),
  status           text NOT NULL CHECK (status IN ('PENDING', 'PARTIAL', 'FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED')),
  price_cents      bigint,
  stop_price_cents bigint,
  quantity         bigint NOT NULL CHECK (quantity > 0),
  filled           bigint NOT NULL DEFAULT 0 CHECK (filled >= 0),
  avg_price_cents  bigint,
  client_order_id  text,
  version          bigint NOT NULL,
  created_at       timestamptz NOT NULL,
  updated_at       timestamptz NOT NULL
);
CREATE INDEX orders_user_created ON orders (user_id, created_at DESC, order_id DESC);
CREATE INDEX orders_symbol_open ON orders (symbol) WHERE status IN ('PENDING', 'PARTIAL');
