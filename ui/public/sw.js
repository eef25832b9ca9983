// Alianza's service worker: keeps the app shell (index.html and its hashed assets) on the
// device so the app opens without signal. API calls are never cached here: the app keeps the
// user's working set in IndexedDB itself (see src/offline/), scoped to the signed-in user.
const SHELL = 'alianza-shell-v2';

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      const res = await fetch('/', { cache: 'no-store' });
      const html = await res.clone().text();
      await cache.put('/', res);
      const assets = new Set(html.match(/\/assets\/[^"']+/g) || []);
      // The pages loaded on demand (meetings list, tasks, reports...) are named in the entry
      // script: keep them too, so a page never opened online still opens without signal.
      for (const a of [...assets].filter((x) => x.endsWith('.js'))) {
        const js = await (await fetch(a)).text();
        for (const m of js.match(/assets\/[\w.-]+\.(?:js|css)/g) || []) assets.add(`/${m}`);
      }
      await cache.addAll([...assets, '/manifest.webmanifest', '/icon.svg', '/icon-192.png', '/apple-touch-icon.png']);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k !== SHELL) await caches.delete(k);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    // Network first, so a new release shows at once; the kept shell without signal.
    event.respondWith(
      fetch(req)
        .then(async (res) => {
          if (res.ok) await (await caches.open(SHELL)).put('/', res.clone());
          return res;
        })
        .catch(async () => (await caches.match('/')) || Response.error()),
    );
    return;
  }
  if (url.pathname.startsWith('/assets/')) {
    // Hashed file names never change content: the cache first.
    event.respondWith(
      caches.match(req).then(
        (hit) =>
          hit ||
          fetch(req).then(async (res) => {
            if (res.ok) await (await caches.open(SHELL)).put(req, res.clone());
            return res;
          }),
      ),
    );
    return;
  }
  event.respondWith(fetch(req).catch(async () => (await caches.match(req)) || Response.error()));
});
