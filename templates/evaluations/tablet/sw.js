{% load static %}// Kinerja's service worker for the tablet pages of one period (issue 12).
// Served from {{ scope }}sw.js so that its scope covers the scoring pages. It keeps the pages
// and their assets so that a reload while offline still shows the page; the values typed
// offline live in the page's IndexedDB outbox, never here. No Background Sync: the page sends
// its outbox itself (on `online`, on focus and on a timer).
const CACHE = "kinerja-tablet-v1";
const SCOPE = "{{ scope|escapejs }}";
const ASSETS = [
  "{% static 'css/kinerja.css' %}",
  "{% static 'css/tablet.css' %}",
  "{% static 'vendor/htmx.min.js' %}",
  "{% static 'vendor/idb-keyval.js' %}",
  "{% static 'js/tablet.js' %}",
  "{% static 'js/tablet-outbox.js' %}",
  "{% static 'js/tablet-list.js' %}",
  "{% static 'favicon.svg' %}",
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

// A page asks to keep itself (its first load happened before this worker controlled it).
self.addEventListener("message", (event) => {
  const urls = (event.data && event.data.cache) || [];
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      Promise.all(
        urls
          .filter((url) => new URL(url, self.location.href).pathname.startsWith(SCOPE))
          .map((url) => fetch(url, { credentials: "same-origin" }).then((r) => r.ok && cache.put(url, r))),
      ),
    ),
  );
});

function isAsset(url) {
  return ASSETS.includes(url.pathname);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return; // writes go to the network, or stay in the outbox
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isAsset(url)) {
    // Assets: the cached copy, refreshed from the network when there is one.
    event.respondWith(
      caches.open(CACHE).then((cache) =>
        cache.match(request, { ignoreSearch: true }).then((cached) => {
          const fresh = fetch(request)
            .then((response) => {
              if (response.ok) cache.put(request, response.clone());
              return response;
            })
            .catch(() => cached);
          return cached || fresh;
        }),
      ),
    );
    return;
  }
  if (request.mode === "navigate" && url.pathname.startsWith(SCOPE)) {
    // Pages: the network first (the values are live), the cached page when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok && !response.redirected) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(url.pathname, copy));
          }
          return response;
        })
        .catch(() =>
          caches
            .match(url.pathname, { ignoreVary: true })
            .then((cached) => cached || new Response(
              "<!doctype html><meta charset=utf-8><title>Luring</title><p>Halaman ini belum tersimpan di perangkat; sambungkan ke jaringan lalu muat ulang.</p>",
              { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
            )),
        ),
    );
  }
});
