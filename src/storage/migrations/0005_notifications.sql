-- Notifications sent by the channel actors, keyed by the message ID they were sent for.
CREATE TABLE notifications (
  notification_id text PRIMARY KEY,
  user_id         text NOT NULL,
  channel         text NOT NULL,
  kind            text NOT NULL,
  payload         jsonb NOT NULL DEFAULT '{}',
  status          text NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED')),
  attempts        integer NOT NULL DEFAULT 0,
  created_at      timestamptz NOT NULL,
  sent_at         timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, created_at DESC);
