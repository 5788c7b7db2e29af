// A stand-in for Electron's preload bridge, injected into the page before its scripts run: it exposes
// `window.crossdesk = { call, on }` with the preload's semantics (errors rejected as plain
// {code, message, details} objects, one listener per `on`), carried over the host's /rpc socket.
// Electron's binary cannot run here, so this is how a browser test drives the renderer's bridge path.
// It records what the page did with it on `window.__bridge` for the test to inspect.
export const BRIDGE_SHIM = `(() => {
  const token = new URLSearchParams(location.search).get('token');
  const socket = new WebSocket('ws://' + location.host + '/rpc?token=' + encodeURIComponent(token || ''));
  const open = new Promise((resolve) => socket.addEventListener('open', resolve, { once: true }));
  const pending = new Map();
  const listeners = new Set();
  const record = { calls: [], listeners: {}, errors: [] };
  let nextId = 1;
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    if (message.t === 'res' || message.t === 'err') {
      const entry = pending.get(message.id);
      pending.delete(message.id);
      if (!entry) return;
      if (message.t === 'res') entry.resolve(message.result);
      else { record.errors.push(message.error); entry.reject(message.error); }
    } else if (message.t === 'evt') {
      for (const listener of listeners) listener(message.topic, message.payload);
    }
  });
  Object.defineProperty(window, '__bridge', { value: record });
  Object.defineProperty(window, 'crossdesk', {
    value: Object.freeze({
      async call(method, params) {
        record.calls.push(method);
        await open;
        return new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          socket.send(JSON.stringify({ t: 'req', id, method, params }));
        });
      },
      on(topic, handler) {
        const listener = (eventTopic, payload) => { if (eventTopic === topic) handler(payload); };
        listeners.add(listener);
        record.listeners[topic] = (record.listeners[topic] || 0) + 1;
        return () => { if (listeners.delete(listener)) record.listeners[topic] -= 1; };
      },
    }),
  });
})();`;
