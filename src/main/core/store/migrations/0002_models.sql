-- Trained models: everything needed to reproduce a prediction (config, feature spec, normalisation
-- statistics, symbols, interval, weights) and to know where it came from (feed, training range, a
-- sha256 of the training candles, seed, backend). JSON columns are checked with json_valid; weights
-- are the float32 little-endian parameters in the model's creation order. Times are epoch ms (UTC).
CREATE TABLE models (
  id            TEXT    NOT NULL PRIMARY KEY,
  name          TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  feed          TEXT    NOT NULL,
  symbols       TEXT    NOT NULL CHECK (json_valid(symbols)),
  interval      TEXT    NOT NULL,
  train_from    INTEGER NOT NULL,
  train_to      INTEGER NOT NULL,
  data_hash     TEXT    NOT NULL,
  seed          INTEGER NOT NULL,
  backend       TEXT    NOT NULL,
  config        TEXT    NOT NULL CHECK (json_valid(config)),
  feature_spec  TEXT    NOT NULL CHECK (json_valid(feature_spec)),
  norm_stats    TEXT    NOT NULL CHECK (json_valid(norm_stats)),
  metrics       TEXT    NOT NULL CHECK (json_valid(metrics)),
  weights       BLOB    NOT NULL CHECK (length(weights) % 4 = 0)
) STRICT;

CREATE INDEX models_by_created ON models (created_at);
