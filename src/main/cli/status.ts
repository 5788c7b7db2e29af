// `status`: where the data lives, the settings in force and what is stored for the settings' feed.
import type { SeriesCoverage, Settings } from '../../shared/contract';
import type { MarketStatus } from '../../shared/domain';
import { databaseFile } from '../core/config';
import { isoTime, optionalString, writeJson, type Command } from './command';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the data directory, settings and stored candles',
  usage: '[--feed F]',
  options: { feed: { type: 'string' } },
  async run({ values, json, dataDir, core, signal, stdout }) {
    const { dispatch } = await core();
    const settings = (await dispatch('settings.get', {}, { signal })) as Settings;
    const feed = optionalString(values, 'feed') ?? settings.feed;
    const symbols = (await dispatch('market.symbols', { feed }, { signal })) as { stored: SeriesCoverage[] };
    // Which TensorFlow.js backend serves which model job: the core measures them when it starts.
    let backends: MarketStatus['backendJobs'] = null;
    for (let tries = 0; tries < 100 && !backends && !signal.aborted; tries++) {
      backends = ((await dispatch('market.status', {}, { signal })) as MarketStatus).backendJobs;
      if (!backends) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (json) {
      writeJson(stdout, {
        dataDir,
        database: databaseFile(dataDir),
        settings,
        feed,
        stored: symbols.stored,
        backends,
      });
      return;
    }
    const lines = [
      `Data directory: ${dataDir}`,
      `Database:       ${databaseFile(dataDir)}`,
      `Feed:           ${settings.feed}${settings.restUrl ? ` (${settings.restUrl})` : ''}`,
      `Symbols:        ${settings.symbols.join(', ')} (interval ${settings.interval})`,
      `TensorFlow.js:  ${backends ? `training on ${backends.training}, decisions on ${backends.decisions} (${backends.how})` : 'still measuring'}`,
      `Stored candles for feed '${feed}':`,
    ];
    if (symbols.stored.length === 0) lines.push('  none yet (try: npm run cli -- backfill …)');
    for (const s of symbols.stored) {
      lines.push(
        `  ${s.symbol.padEnd(12)} ${s.interval.padEnd(4)} ${String(s.count).padStart(8)} candles  ${isoTime(s.first)} → ${isoTime(s.last)}  gaps ${s.gaps}`,
      );
    }
    stdout.write(`${lines.join('\n')}\n`);
  },
};
