// The Electron IPC channels of the one RPC path. The preload carries envelopes as JSON text, exactly
// the frames the headless host's WebSocket carries, so both hosts decode them with parseEnvelope.
/** Envelopes, both ways: the page's requests and cancels, the core's replies and events. */
export const ENVELOPE_CHANNEL = 'core:envelope';
/** Sent by the preload once per page load: the main process starts a fresh connection to the core. */
export const OPEN_CHANNEL = 'core:open';
