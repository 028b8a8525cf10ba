// Pigeon's service worker: keeps the app shell (the built HTML, scripts, styles and icons), so
// the app opens with no network. Written by hand and filled in at build time by
// `service-worker-plugin.ts`, which puts the build's file list and a version in place of the
// two markers below. It never caches API answers: those are one account's data.
/* global self, caches */

const VERSION = '__PIGEON_SW_VERSION__';
const SHELL = '__PIGEON_SW_FILES__';
const CACHE = `pigeon-shell-${VERSION}`;
/** Paths the server answers itself, never from the cache. */
const LIVE = ['/trpc', '/api', '/healthz', '/readyz', '/metrics'];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith('pigeon-shell-') && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (LIVE.some((path) => url.pathname === path || url.pathname.startsWith(`${path}/`))) return;

  if (request.mode === 'navigate') {
    // The page itself: the server's, so a new version shows at once; the kept one offline.
    event.respondWith(
      fetch(request).catch(() => caches.match('/index.html').then((kept) => kept || Response.error())),
    );
    return;
  }
  // Built files have their hash in their name and never change: the kept copy is the one.
  event.respondWith(
    caches.match(request).then(
      (kept) =>
        kept ||
        fetch(request).then((response) => {
          if (response.ok && url.pathname.startsWith('/assets/')) {
            const copy = response.clone();
            void caches.open(CACHE).then((cache) => cache.put(request, copy));
          }
          return response;
        }),
    ),
  );
});
