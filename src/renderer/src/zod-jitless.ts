// Both hosts' CSP forbids eval in the page (script-src 'self'). zod 4 probes for it with
// `new Function('')` on its first parse, which the browser reports as a CSP violation; jitless mode
// skips the probe and never compiles parsers, so the page runs clean under the policy.
import { z } from 'zod';

z.config({ jitless: true });
