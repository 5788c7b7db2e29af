-- Paper trading accounts. Each closed bar's rebalance is one transaction: the fills that filled at the
-- bar's open, the equity marked at its close, and the account's engine snapshot with last_bar_time = the
-- bar. The update is guarded by last_bar_time < bar, so a bar is applied exactly once even across
-- crashes and restarts (the trader resumes from the snapshot and replays later stored bars).
-- Times are epoch ms (UTC) bar open times.
CREATE TABLE paper_accounts (
  id            TEXT    NOT NULL PRIMARY KEY,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  feed          TEXT    NOT NULL,
  symbols       TEXT    NOT NULL CHECK (json_valid(symbols)),
  interval      TEXT    NOT NULL,
  strategy      TEXT    NOT NULL,
  -- Resolved settings: initial capital, costs, risk, strategy options. JSON.
  params        TEXT    NOT NULL CHECK (json_valid(params)),
  -- The engine snapshot after last_bar_time (portfolio, pending orders, peak, kill switch). JSON.
  snapshot      TEXT    CHECK (snapshot IS NULL OR json_valid(snapshot)),
  -- Open time of the last bar applied; NULL before the first.
  last_bar_time INTEGER,
  -- The first bar the account may trade on (bars before only build history).
  start_time    INTEGER NOT NULL,
  model_id      TEXT
) STRICT;

CREATE TABLE paper_fills (
  account_id   TEXT    NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  seq          INTEGER NOT NULL,
  time         INTEGER NOT NULL,
  decided_at   INTEGER NOT NULL,
  symbol       TEXT    NOT NULL,
  side         TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  quantity     REAL    NOT NULL CHECK (quantity > 0),
  price        REAL    NOT NULL CHECK (price > 0),
  notional     REAL    NOT NULL,
  fee          REAL    NOT NULL CHECK (fee >= 0),
  slippage_bps REAL    NOT NULL,
  realised_pnl REAL    NOT NULL,
  reason       TEXT    NOT NULL CHECK (reason IN ('rebalance', 'kill')),
  PRIMARY KEY (account_id, seq)
) STRICT, WITHOUT ROWID;

CREATE INDEX paper_fills_by_time ON paper_fills (account_id, time);

-- The account marked at the close of every applied bar.
CREATE TABLE paper_equity (
  account_id TEXT    NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  time       INTEGER NOT NULL,
  equity     REAL    NOT NULL,
  cash       REAL    NOT NULL,
  gross      REAL    NOT NULL,
  drawdown   REAL    NOT NULL,
  -- Weights at the close, in the account's symbol order. JSON array.
  weights    TEXT    NOT NULL CHECK (json_valid(weights)),
  PRIMARY KEY (account_id, time)
) STRICT, WITHOUT ROWID;
