-- Candles of every feed, keyed by (feed, symbol, interval, open_time) so that mainnet, testnet, the
-- simulator and imported files never mix. WITHOUT ROWID stores each row inside the primary-key b-tree:
-- one b-tree instead of table + index, and range reads of a series walk adjacent pages.
-- STRICT rejects a value of the wrong type (a fractional open_time, a text price) instead of storing it.
-- Times are epoch ms (UTC). updated_at is the exchange time of the stored version of the bar, used by
-- the upsert's write rules (see candles.repo.ts). NOT NULL on REAL columns also rejects NaN, which
-- SQLite turns into NULL.
CREATE TABLE candles (
  feed       TEXT    NOT NULL,
  symbol     TEXT    NOT NULL,
  interval   TEXT    NOT NULL,
  open_time  INTEGER NOT NULL,
  open       REAL    NOT NULL,
  high       REAL    NOT NULL,
  low        REAL    NOT NULL,
  close      REAL    NOT NULL,
  volume     REAL    NOT NULL CHECK (volume >= 0),
  turnover   REAL    NOT NULL CHECK (turnover >= 0),
  confirmed  INTEGER NOT NULL CHECK (confirmed IN (0, 1)),
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (feed, symbol, interval, open_time)
) STRICT, WITHOUT ROWID;

-- User settings, one JSON document per key.
CREATE TABLE settings (
  key   TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL CHECK (json_valid(value))
) STRICT;
