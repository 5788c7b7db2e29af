// `backfill`: download a range of klines into the store, with a progress bar; Ctrl+C cancels.
import { randomUUID } from 'node:crypto';
import { optionalString, parseSymbols, parseTime, requireString, writeJson, type Command } from './command';
import { ProgressBar } from './progress';

export const backfillCommand: Command = {
  name: 'backfill',
  summary: 'download candles for a time range into the store',
  usage: '--feed F --symbols A,B,.. --interval I --from T --to T [--rest-url URL]',
  options: {
    feed: { type: 'string' },
    symbols: { type: 'string' },
    interval: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    'rest-url': { type: 'string' },
  },
  async run({ values, json, core, signal, stdout, stderr }) {
    const params = {
      feed: requireString(values, 'feed'),
      symbols: parseSymbols(requireString(values, 'symbols')),
      interval: requireString(values, 'interval'),
      from: parseTime(requireString(values, 'from'), 'from'),
      to: parseTime(requireString(values, 'to'), 'to'),
      restUrl: optionalString(values, 'rest-url'),
      jobId: `cli-backfill-${randomUUID().slice(0, 8)}`,
    };
    const { dispatch, events } = await core();
    const bar = new ProgressBar(stderr, 'backfill', !json);
    const off = events.on('job.progress', (progress) => {
      if (progress.jobId === params.jobId) bar.update(progress.done, progress.total, progress.message);
    });
    try {
      const result = (await dispatch('market.backfill', params, { signal })) as {
        jobId: string;
        written: Record<string, number>;
      };
      bar.finish();
      if (json) {
        writeJson(stdout, {
          ...result,
          feed: params.feed,
          interval: params.interval,
          from: params.from,
          to: params.to,
        });
      } else {
        for (const [symbol, count] of Object.entries(result.written))
          stdout.write(`${symbol}\t${count} candles\n`);
      }
    } finally {
      bar.finish();
      off();
    }
  },
};
