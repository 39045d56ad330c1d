// The warden's phone (issue 27): keeps the signed-in user's open taskings and their cases, as the
// server rendered them for that user, for one shift; serves them when there is no signal.
// Case data lives only in the "tasking-cases" cache, dropped at sign-out and when the shift ends.
"use strict";
const CASES = "tasking-cases";
const SHELL_CACHE = "tasking-shell";
const SHELL = ["/static/style.css", "/static/offline.js", "/static/manifest.webmanifest", "/static/icon.svg",
               "/static/icon-192.png", "/static/icon-512.png"];
const SHIFT = "/__shift__";  // the cache's own record: whose pages these are and until when
const KEPT = /^\/(my-taskings|cases\/[A-Za-z0-9-]+)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL_CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(shift().then(() => self.clients.claim()));
});

// The shift this cache belongs to, or null (and the cache dropped) when there is none or it has ended.
async function shift() {
  const cache = await caches.open(CASES);
  const found = await cache.match(SHIFT);
  const record = found ? await found.json() : null;
  if (record && Date.now() < Date.parse(record.ends)) {
    return record;
  }
  await caches.delete(CASES);
  return null;
}

async function startShift(user, ends) {
  const record = await shift();
  if (!record || record.user !== user || record.ends !== ends) {
    await caches.delete(CASES);
    if (!(Date.now() < Date.parse(ends))) {
      return null;  // a shift already over (or none configured): nothing is kept
    }
    const cache = await caches.open(CASES);
    await cache.put(SHIFT, new Response(JSON.stringify({user, ends}), {headers: {"Content-Type": "application/json"}}));
  }
  return shift();
}

// Fetches the pages and keeps those the server rendered (200, not a redirect to sign-in).
async function keep(user, paths) {
  const record = await shift();
  if (!record || record.user !== user) {
    return 0;
  }
  const cache = await caches.open(CASES);
  let kept = 0;
  for (const path of paths) {
    if (!KEPT.test(path)) {
      continue;
    }
    try {
      const response = await fetch(path, {credentials: "same-origin", cache: "no-store"});
      if (response.ok && !response.redirected) {
        await cache.put(path, response);
        kept += 1;
      }
    } catch (error) {
      break;  // no signal: keep what is already kept
    }
  }
  return kept;
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0] && event.ports[0].postMessage(value);
  if (data.type === "shift") {
    event.waitUntil(startShift(data.user, data.ends).then(reply));
  } else if (data.type === "keep") {
    event.waitUntil(keep(data.user, data.paths || []).then(reply));
  } else if (data.type === "sign-out") {
    event.waitUntil(caches.delete(CASES).then(reply));
  }
});

function offline(text) {
  const page = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" " +
    "content=\"width=device-width, initial-scale=1\"><title>Offline · tasking</title>" +
    "<link rel=\"stylesheet\" href=\"/static/style.css\"></head><body><main id=\"main\"><h1>No signal</h1>" +
    "<p>" + text + "</p><p><a href=\"/my-taskings\">My taskings</a></p></main></body></html>";
  return new Response(page, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function kept(request, path) {
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && request.method === "GET" && !new URL(request.url).search) {
      const record = await shift();
      if (record) {
        await (await caches.open(CASES)).put(path, response.clone());
      }
    }
    return response;
  } catch (error) {
    if (!(await shift())) {
      return offline("Nothing is kept on this phone now (signed out, or the shift has ended).");
    }
    const found = await (await caches.open(CASES)).match(path);
    return found || offline("This page was not kept on this phone for the shift.");
  }
}

async function shell(request) {
  try {
    const response = await fetch(request);
    if (response.ok) {
      await (await caches.open(SHELL_CACHE)).put(request, response.clone());
    }
    return response;
  } catch (error) {
    const found = await caches.match(request, {cacheName: SHELL_CACHE});
    if (found) {
      return found;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.method === "GET" && KEPT.test(url.pathname)) {
    event.respondWith(kept(request, url.pathname));
  } else if (request.method === "GET" && SHELL.includes(url.pathname)) {
    event.respondWith(shell(request));
  }
});
