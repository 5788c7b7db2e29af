-- Trading rules per feed and symbol (instruments-info, the simulator's table or the user's entry for an
-- imported feed), and settled funding rates per feed, symbol and funding time. Times are epoch ms (UTC).
CREATE TABLE instruments (
  feed                     TEXT    NOT NULL,
  symbol                   TEXT    NOT NULL,
  status                   TEXT    NOT NULL,
  launch_time              INTEGER NOT NULL,
  tick_size                REAL    NOT NULL CHECK (tick_size > 0),
  qty_step                 REAL    NOT NULL CHECK (qty_step > 0),
  min_order_qty            REAL    NOT NULL CHECK (min_order_qty >= 0),
  max_market_order_qty     REAL    NOT NULL CHECK (max_market_order_qty > 0),
  min_notional_value       REAL    NOT NULL CHECK (min_notional_value >= 0),
  max_leverage             REAL    NOT NULL CHECK (max_leverage > 0),
  funding_interval_minutes INTEGER NOT NULL CHECK (funding_interval_minutes > 0),
  source                   TEXT    NOT NULL CHECK (source IN ('exchange', 'simulator', 'user', 'derived')),
  -- When the rules were fetched from the exchange; NULL for rules the user gave.
  fetched_at               INTEGER,
  PRIMARY KEY (feed, symbol)
) STRICT, WITHOUT ROWID;

CREATE TABLE funding_rates (
  feed         TEXT    NOT NULL,
  symbol       TEXT    NOT NULL,
  funding_time INTEGER NOT NULL,
  rate         REAL    NOT NULL,
  PRIMARY KEY (feed, symbol, funding_time)
) STRICT, WITHOUT ROWID;

-- The span of funding times known complete per series: every funding record the source has in
-- [from_time, to_time] is stored. One contiguous span per series, widened only by downloads (or an
-- import) that touch it, so "no rate stored at T" inside the span means the source has none, and the
-- upkeep asks only for what lies after to_time.
CREATE TABLE funding_coverage (
  feed      TEXT    NOT NULL,
  symbol    TEXT    NOT NULL,
  from_time INTEGER NOT NULL,
  to_time   INTEGER NOT NULL CHECK (to_time >= from_time),
  PRIMARY KEY (feed, symbol)
) STRICT, WITHOUT ROWID;

-- Every funding payment of a stored backtest, a ledger entry of its own next to the fills: at funding
-- time `time` the position of `quantity` marked at `price` paid `payment` = position_value × rate
-- (quote coin; negative when received).
CREATE TABLE backtest_funding (
  backtest_id    TEXT    NOT NULL,
  strategy       TEXT    NOT NULL,
  seq            INTEGER NOT NULL,
  time           INTEGER NOT NULL,
  symbol         TEXT    NOT NULL,
  quantity       REAL    NOT NULL,
  price          REAL    NOT NULL CHECK (price > 0),
  position_value REAL    NOT NULL,
  rate           REAL    NOT NULL,
  payment        REAL    NOT NULL,
  PRIMARY KEY (backtest_id, strategy, seq),
  FOREIGN KEY (backtest_id, strategy) REFERENCES backtest_strategies (backtest_id, strategy) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The same for paper accounts, written in the transaction of the bar that settled it.
CREATE TABLE paper_funding (
  account_id     TEXT    NOT NULL REFERENCES paper_accounts (id) ON DELETE CASCADE,
  seq            INTEGER NOT NULL,
  time           INTEGER NOT NULL,
  symbol         TEXT    NOT NULL,
  quantity       REAL    NOT NULL,
  price          REAL    NOT NULL CHECK (price > 0),
  position_value REAL    NOT NULL,
  rate           REAL    NOT NULL,
  payment        REAL    NOT NULL,
  PRIMARY KEY (account_id, seq)
) STRICT, WITHOUT ROWID;
