-- Stored walk-forward backtests, reviewable offline. One row per run in `backtests`; its folds, its
-- strategies' series and metrics, the model's attention per decision, and every fill hang off it and are
-- deleted with it (ON DELETE CASCADE; the store turns foreign_keys on). A run is written in one
-- transaction when it completes, so a crash or a cancel never leaves half a run.
-- Series are BLOBs of little-endian float64 values: an hourly three-year run is 26k bars x 5 strategies,
-- which as rows would dwarf everything else; as blobs it loads in one read.
-- Times are epoch ms (UTC): open times of bars; series values are at the close of those bars.
CREATE TABLE backtests (
  id         TEXT    NOT NULL PRIMARY KEY,
  name       TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  feed       TEXT    NOT NULL,
  symbols    TEXT    NOT NULL CHECK (json_valid(symbols)),
  interval   TEXT    NOT NULL,
  range_from INTEGER NOT NULL,
  range_to   INTEGER NOT NULL,
  strategy   TEXT    NOT NULL,
  -- The resolved settings (costs, risk, walk-forward, model), JSON.
  params     TEXT    NOT NULL CHECK (json_valid(params)),
  -- Open times of the out-of-sample bars, float64 LE.
  times      BLOB    NOT NULL,
  bars       INTEGER NOT NULL CHECK (bars >= 0)
) STRICT;

CREATE INDEX backtests_by_created ON backtests (created_at DESC);

CREATE TABLE backtest_folds (
  backtest_id TEXT    NOT NULL REFERENCES backtests (id) ON DELETE CASCADE,
  fold        INTEGER NOT NULL,
  train_from  INTEGER NOT NULL,
  train_to    INTEGER NOT NULL,
  test_from   INTEGER NOT NULL,
  test_to     INTEGER NOT NULL,
  model_id    TEXT,
  PRIMARY KEY (backtest_id, fold)
) STRICT, WITHOUT ROWID;

-- One row per strategy of a run: the strategy under test and each baseline.
CREATE TABLE backtest_strategies (
  backtest_id TEXT    NOT NULL REFERENCES backtests (id) ON DELETE CASCADE,
  strategy    TEXT    NOT NULL,
  role        TEXT    NOT NULL CHECK (role IN ('strategy', 'baseline')),
  position    INTEGER NOT NULL,
  metrics     TEXT    NOT NULL CHECK (json_valid(metrics)),
  equity      BLOB    NOT NULL,
  gross       BLOB    NOT NULL,
  -- Row-major [bar x symbols + symbol].
  weights     BLOB    NOT NULL,
  PRIMARY KEY (backtest_id, strategy)
) STRICT;

-- Cross-asset attention of the model at each decision (query asset rows x key asset columns).
CREATE TABLE backtest_attention (
  backtest_id TEXT    NOT NULL REFERENCES backtests (id) ON DELETE CASCADE,
  time        INTEGER NOT NULL,
  matrix      TEXT    NOT NULL CHECK (json_valid(matrix)),
  lag_weights TEXT    CHECK (lag_weights IS NULL OR json_valid(lag_weights)),
  PRIMARY KEY (backtest_id, time)
) STRICT, WITHOUT ROWID;

-- Every simulated fill: filled at the open of bar `time`, decided at the close of bar `decided_at`.
CREATE TABLE backtest_fills (
  backtest_id  TEXT    NOT NULL,
  strategy     TEXT    NOT NULL,
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
  PRIMARY KEY (backtest_id, strategy, seq),
  FOREIGN KEY (backtest_id, strategy) REFERENCES backtest_strategies (backtest_id, strategy) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
