// Funding history into the store, gap-free like candles: the series' checked span (funding.repo.ts)
// says what is known complete, so only the time before and after it is asked for, never before the
// symbol's launch. Rates are written per page; the span is widened once a part is fully fetched, so a
// cancel or a crash costs a re-fetch of that part, never a hole.
import { CoreError } from '../../../shared/errors';
import type { FundingRepo } from '../store/funding.repo';
import type { BybitRest } from './bybit-rest';

export interface FundingBackfillRequest {
  feed: string;
  symbol: string;
  /** Funding times in [from, to], epoch ms. */
  from: number;
  to: number;
  /** No record exists before it (instruments-info launchTime). */
  launchTimeMs: number;
  /**
   * The live upkeep asks right after a funding time, when the exchange may not have published it yet:
   * then the span is widened only once the record at this time has come back.
   */
  requireRecordAt?: number;
}

export interface FundingBackfillResult {
  /** Rates inserted or changed. */
  written: number;
  requests: number;
  /** False when `requireRecordAt` was asked for and has not been published yet. */
  complete: boolean;
}

export async function backfillFunding(
  repo: FundingRepo,
  rest: BybitRest,
  request: FundingBackfillRequest,
  signal?: AbortSignal,
): Promise<FundingBackfillResult> {
  const { feed, symbol, to } = request;
  if (to < request.from) return { written: 0, requests: 0, complete: true };
  const coverage = repo.coverage(feed, symbol);
  const parts: Array<[number, number]> = [];
  if (coverage.checkedFrom === null || coverage.checkedTo === null) parts.push([request.from, to]);
  else {
    if (request.from < coverage.checkedFrom) parts.push([request.from, coverage.checkedFrom - 1]);
    if (to > coverage.checkedTo) parts.push([coverage.checkedTo + 1, to]);
  }
  let written = 0;
  let requests = 0;
  let complete = true;
  for (const [from, partTo] of parts) {
    let sawRequired = false;
    // Nothing exists before the launch: the part before it is complete without asking.
    const askFrom = Math.max(from, request.launchTimeMs);
    if (askFrom <= partTo) {
      await rest.fundingHistory(symbol, askFrom, partTo, {
        signal,
        onPage: (page) => {
          requests++;
          if (signal?.aborted) throw new CoreError('CANCELLED', 'The backfill was cancelled.');
          written += repo.upsert(feed, page.rates);
          if (page.rates.some((r) => r.fundingTimeMs === request.requireRecordAt)) sawRequired = true;
        },
      });
    }
    const required = request.requireRecordAt;
    if (required !== undefined && required >= from && required <= partTo && !sawRequired) {
      complete = false;
      continue;
    }
    repo.markChecked(feed, symbol, from, partTo);
  }
  return { written, requests, complete };
}
