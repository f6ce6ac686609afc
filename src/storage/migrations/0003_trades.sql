-- Trades as the books printed them, keyed by trade ID so a replayed batch writes nothing twice.
-- `seq` is the book's trade sequence for the symbol: it orders trades within one millisecond.
CREATE TABLE trades (
  trade_id       text PRIMARY KEY,
  symbol         text NOT NULL,
  seq            bigint NOT NULL,
  price_cents    bigint NOT NULL CHECK (price_cents > 0),
  quantity       bigint NOT NULL CHECK (quantity > 0),
  buyer_user_id  text NOT NULL,
  seller_user_id text NOT NULL,
  buy_order_id   text NOT NULL,
  sell_order_id  text NOT NULL,
  maker_side     text NOT NULL CHECK (maker_side IN ('BUY', 'SELL')),
  executed_at    timestamptz NOT NULL,
  source_shard   integer NOT NULL,
  source_epoch   bigint NOT NULL
);
CREATE INDEX trades_symbol_time ON trades (symbol, executed_at, seq);
CREATE INDEX trades_buyer ON trades (buyer_user_id, executed_at);
CREATE INDEX trades_seller ON trades (seller_user_id, executed_at);

-- The highest fencing epoch each source shard's sink has written with: a lower one is refused,
-- so a fenced-out node cannot reach the record either (DESIGN §5).
CREATE TABLE sink_epochs (
  shard      integer PRIMARY KEY,
  epoch      bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- 1-minute OHLCV candles, recomputed from trades for every touched minute (never incremented,
-- so a replay cannot double a volume). Prices in cents.
CREATE TABLE market_prices (
  symbol      text NOT NULL,
  bucket      timestamptz NOT NULL,
  open_cents  bigint NOT NULL,
  high_cents  bigint NOT NULL,
  low_cents   bigint NOT NULL,
  close_cents bigint NOT NULL,
  volume      bigint NOT NULL,
  trade_count integer NOT NULL,
  PRIMARY KEY (symbol, bucket)
);
