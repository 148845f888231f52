/* The check-in page as an app: this worker keeps the page, its scripts, styles and icons on the
 * device, so that the page opens (and scans are answered from the list in localStorage) when it
 * is reloaded or reopened without the network.
 *
 * The route serving this file puts `self.CHECKIN` before it: {page, cache, assets}. The page is
 * asked from the network first and taken from the cache only without the network (or when the
 * server fails); the other files come from the cache first. Nothing else is kept: the API's answers (the list of participants,
 * the check-ins) pass by untouched, and the list stays in localStorage with its own expiry.
 *
 * When the server no longer opens the page (the link revoked or expired: 403, 404, 410), the
 * cache of this page is deleted and the worker unregisters itself.
 */
const CONFIG = self.CHECKIN;
const CACHE_PREFIX = "eventapp-checkin|" + CONFIG.page + "|";
const GONE = [401, 403, 404, 410];

function samePath(url, target) {
  return url.pathname === new URL(target, self.location.origin).pathname;
}

async function forgetPage() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name.startsWith(CACHE_PREFIX)).map((name) => caches.delete(name)));
  await self.registration.unregister();
}

async function pageFirstFromNetwork(request) {
  const cache = await caches.open(CONFIG.cache);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const kept = await cache.match(CONFIG.page, { ignoreSearch: true });
    return kept || Response.error();
  }
  if (response.ok) await cache.put(CONFIG.page, response.clone());
  else if (GONE.includes(response.status)) await forgetPage();
  else if (response.status >= 500) return (await cache.match(CONFIG.page, { ignoreSearch: true })) || response;
  return response;
}

async function fileFromCache(request) {
  const cache = await caches.open(CONFIG.cache);
  const kept = await cache.match(request, { ignoreSearch: true });
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CONFIG.cache)
    .then((cache) => cache.addAll([CONFIG.page, ...CONFIG.assets]))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name.startsWith(CACHE_PREFIX) && name !== CONFIG.cache)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (samePath(url, CONFIG.page)) {
    event.respondWith(pageFirstFromNetwork(request));
  } else if (CONFIG.assets.some((asset) => samePath(url, asset))) {
    event.respondWith(fileFromCache(request));
  }
});
