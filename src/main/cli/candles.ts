// `candles`: the stored confirmed candles of one series, ascending, as CSV or JSON on stdout.
import { MAX_CANDLES_PAGE } from '../../shared/contract/market';
import type { Candle } from '../../shared/domain';
import { optionalString, parseTime, requireString, UsageError, type Command } from './command';

export const CSV_HEADER = 'open_time_ms,open,high,low,close,volume,turnover';

export const candlesCommand: Command = {
  name: 'candles',
  summary: 'print stored confirmed candles (ascending) as csv or json',
  usage: '--feed F --symbol S --interval I [--from T] [--to T] --format csv|json',
  options: {
    feed: { type: 'string' },
    symbol: { type: 'string' },
    interval: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
  },
  async run({ values, json, core, signal, stdout }) {
    const format = optionalString(values, 'format') ?? (json ? 'json' : 'csv');
    if (format !== 'csv' && format !== 'json')
      throw new UsageError(`--format must be csv or json, not '${format}'.`);
    const from = optionalString(values, 'from');
    const to = optionalString(values, 'to');
    const params = {
      feed: requireString(values, 'feed'),
      symbol: requireString(values, 'symbol').toUpperCase(),
      interval: requireString(values, 'interval'),
      ...(from === undefined ? {} : { from: parseTime(from, 'from') }),
      ...(to === undefined ? {} : { to: parseTime(to, 'to') }),
      includeUnconfirmed: false,
    };
    const { dispatch } = await core();
    // market.candles answers in pages of the newest MAX_CANDLES_PAGE; older pages end before the first.
    const pages: Candle[][] = [];
    let before = params.to;
    for (;;) {
      const query = { ...params, limit: MAX_CANDLES_PAGE, ...(before === undefined ? {} : { to: before }) };
      const page = (await dispatch('market.candles', query, { signal })) as Candle[];
      pages.unshift(page);
      if (page.length < MAX_CANDLES_PAGE) break;
      before = (page[0] as Candle).openTime - 1;
      if (params.from !== undefined && before < params.from) break;
    }
    const candles = pages.flat();
    if (format === 'json') {
      await write(stdout, `${JSON.stringify(candles)}\n`);
      return;
    }
    const lines = [CSV_HEADER];
    for (const c of candles)
      lines.push(`${c.openTime},${c.open},${c.high},${c.low},${c.close},${c.volume},${c.turnover}`);
    await write(stdout, `${lines.join('\n')}\n`);
  },
};

/** Waits for the text to be flushed, so a large export is complete before the process exits. */
function write(stream: NodeJS.WriteStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}
