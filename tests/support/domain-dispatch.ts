// A dispatch over one domain's handlers, for tests that build a domain without the whole core. The
// core's own handler map is complete at compile time; here the calls of other domains answer
// UNKNOWN_METHOD.
import { calls, type CallName } from '../../src/shared/contract';
import { CoreError } from '../../src/shared/errors';
import { createDispatch, type Dispatch, type Handlers } from '../../src/shared/rpc';

export function domainDispatch(handlers: Partial<Handlers>): Dispatch {
  const complete = Object.fromEntries(
    (Object.keys(calls) as CallName[]).map((name) => [
      name,
      handlers[name] ??
        (() => {
          throw new CoreError('UNKNOWN_METHOD', `The call '${name}' is not part of this test's domain.`);
        }),
    ]),
  ) as unknown as Handlers;
  return createDispatch(complete);
}
