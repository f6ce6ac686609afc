-- Trades are read by symbol and time (recent trades, candles). A user's history is the ledger
-- (indexed by wallet) and the order history, so the per-buyer and per-seller indexes served no
-- reader, and each cost the sink about 1.4 µs per stored trade (a fifth of its insert).
DROP INDEX IF EXISTS trades_buyer;
DROP INDEX IF EXISTS trades_seller;
