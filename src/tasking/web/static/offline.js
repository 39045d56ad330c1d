// The warden's phone (issue 27): the signed-in pages' one script (no inline script: the CSP forbids it).
// - Registers the service worker (/sw.js), which keeps My taskings and their cases for the shift.
// - A follow-up, a tasking completion or a reporter update made without signal is queued here, in
//   IndexedDB (it survives closing the browser), with a request id; it is sent when the connection
//   returns, and the server's request ids make a write sent twice stored once.
// - Shows what is queued, what was sent, and the reason for a write the server refused.
// - Signing out drops the kept case data (and what was sent or refused); a write still queued stays
//   for its own user.
"use strict";
(function () {
  const body = document.body;
  const user = body.dataset.user;
  const shiftEnds = body.dataset.shiftEnds;
  const CASES = "tasking-cases";
  const DB = "tasking-phone";
  const STORE = "writes";
  const KEEP_EVERY_MS = 10 * 60 * 1000;
  if (!user) {
    return;
  }

  // --- IndexedDB: one store of writes, keyed by request id -------------------------------------
  function database() {
    return new Promise((resolve, reject) => {
      const opening = indexedDB.open(DB, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, {keyPath: "id"});
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
  }

  async function inStore(mode, action) {
    const db = await database();
    try {
      return await new Promise((resolve, reject) => {
        const transaction = db.transaction(STORE, mode);
        const request = action(transaction.objectStore(STORE));
        transaction.oncomplete = () => resolve(request ? request.result : undefined);
        transaction.onerror = () => reject(transaction.error);
        transaction.onabort = () => reject(transaction.error);
      });
    } finally {
      db.close();
    }
  }

  const allWrites = () => inStore("readonly", (store) => store.getAll());
  const putWrite = (write) => inStore("readwrite", (store) => store.put(write));
  const dropWrite = (id) => inStore("readwrite", (store) => store.delete(id));

  // --- showing the queue ------------------------------------------------------------------------
  const panel = document.getElementById("phone-queue");
  const keptLine = document.getElementById("phone-kept");
  const said = document.getElementById("phone-said");
  const list = document.getElementById("phone-writes");

  function local(iso) {
    return new Date(iso).toLocaleString("en-GB", {timeZone: "Europe/London", day: "2-digit", month: "short",
                                                   hour: "2-digit", minute: "2-digit"});
  }

  function say(text) {
    said.textContent = text;
    panel.hidden = false;
  }

  // Two writes made in the same second keep the order they were made in (`order`, milliseconds).
  function inOrderMade(a, b) {
    return a.made.localeCompare(b.made) || (a.order || 0) - (b.order || 0);
  }

  async function show() {
    const writes = (await allWrites()).filter((write) => write.user === user);
    writes.sort(inOrderMade);
    list.replaceChildren(...writes.map((write) => {
      const item = document.createElement("li");
      item.className = "write-" + write.state;
      const text = write.what + " on " + write.case + " (made " + local(write.made) + "; " + write.summary + ")";
      if (write.state === "queued") {
        item.textContent = "Queued: " + text + ". It will be sent when the connection returns.";
      } else if (write.state === "sent") {
        item.textContent = "Sent: " + text + ", at " + local(write.sent) + ".";
      } else {
        item.textContent = "Refused: " + text + ". The server said: " + write.reason;
      }
      if (write.state !== "queued") {
        const dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.textContent = "Dismiss";
        dismiss.setAttribute("aria-label", "Dismiss: " + write.what + " on " + write.case);
        dismiss.addEventListener("click", () => dropWrite(write.id).then(show));
        item.append(" ", dismiss);
      }
      return item;
    }));
    panel.hidden = !(writes.length || keptLine.textContent || said.textContent);
  }

  // --- queueing a write made without signal ------------------------------------------------------
  function requestId() {
    if (crypto.randomUUID) {
      return crypto.randomUUID();
    }
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function withRequestId(form) {
    let field = form.querySelector("input[name=request_id]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "request_id";
      field.value = requestId();
      form.append(field);
    }
    return field.value;
  }

  async function queue(form) {
    const fields = Object.fromEntries(new FormData(form).entries());
    delete fields.csrf_token;  // the session's token is taken from the page when it is sent
    const made = new Date().toISOString().slice(0, 19) + "Z";
    if (!fields.at) {
      fields.at = made;  // when it was done, not when the signal came back
    }
    const [, , reference, action] = new URL(form.action).pathname.split("/");
    const summary = fields.outcome || fields.result || fields.note || "";
    await putWrite({id: fields.request_id, user, case: decodeURIComponent(reference), action, what: form.dataset.queue,
                    fields, summary: summary.length > 80 ? summary.slice(0, 79) + "…" : summary, made,
                    order: Date.now(), state: "queued"});
    form.reset();
    form.querySelector("input[name=request_id]").remove();
    say(form.dataset.queue + " queued on this phone: no signal. It will be sent when the connection returns.");
    await show();
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.matches("form[data-queue]")) {
      withRequestId(form);  // also online: a form sent twice is stored once
      if (!navigator.onLine) {
        event.preventDefault();
        queue(form);
      }
    } else if (form.matches("form[action='/sign-out']")) {
      event.preventDefault();
      signOut(form);
    }
  });

  // --- sending what was queued -----------------------------------------------------------------
  let sending = false;

  async function send() {
    if (sending || !navigator.onLine) {
      return;
    }
    sending = true;
    try {
      const csrf = document.querySelector("input[name=csrf_token]").value;
      const queued = (await allWrites()).filter((write) => write.user === user && write.state === "queued");
      queued.sort(inOrderMade);  // sent in the order they were made
      for (const write of queued) {
        let response;
        try {
          response = await fetch("/cases/" + encodeURIComponent(write.case) + "/" + write.action, {
            method: "POST", credentials: "same-origin", headers: {"Accept": "application/json"},
            body: new URLSearchParams({...write.fields, csrf_token: csrf})});
        } catch (error) {
          break;  // still no signal: try again when it returns
        }
        if (response.status === 401 || response.status === 429 || response.status >= 500) {
          break;  // signed out, busy or down: the write stays queued
        }
        const answer = await response.json().catch(() => ({}));
        if (response.ok) {
          await putWrite({...write, state: "sent", sent: new Date().toISOString()});
        } else {
          await putWrite({...write, state: "refused", reason: answer.detail || ("HTTP " + response.status)});
        }
      }
    } finally {
      sending = false;
    }
    await show();
  }

  // --- keeping the shift's pages, and dropping them -----------------------------------------------
  function ask(worker, message) {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (event) => resolve(event.data);
      worker.postMessage(message, [channel.port2]);
    });
  }

  async function keepForShift() {
    if (!("serviceWorker" in navigator) || !navigator.onLine) {
      return;
    }
    await navigator.serviceWorker.register("/sw.js", {scope: "/"});
    const worker = (await navigator.serviceWorker.ready).active;
    const shift = await ask(worker, {type: "shift", user, ends: shiftEnds});
    if (!shift) {
      keptLine.textContent = "";
      return;
    }
    const last = JSON.parse(localStorage.getItem("tasking-kept-" + user) || "{}");
    if (location.pathname !== "/my-taskings" && last.ends === shiftEnds && Date.now() - last.at < KEEP_EVERY_MS) {
      showKept(last.cases, last.kept);
      return;
    }
    let page = document;
    if (location.pathname !== "/my-taskings") {
      const response = await fetch("/my-taskings", {credentials: "same-origin"});
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    }
    const cases = [...new Set([...page.querySelectorAll("main table a[href^='/cases/']")]
      .map((link) => link.getAttribute("href")))];
    const kept = await ask(worker, {type: "keep", user, paths: ["/my-taskings", ...cases]});
    localStorage.setItem("tasking-kept-" + user, JSON.stringify({at: Date.now(), ends: shiftEnds, cases: cases.length, kept}));
    showKept(cases.length, kept);
  }

  function showKept(cases, kept) {
    keptLine.textContent = "Kept on this phone for use without signal until " + local(shiftEnds) + ": My taskings and " +
      cases + (cases === 1 ? " case" : " cases") + ".";
    body.dataset.kept = String(kept);  // how many pages the worker kept (the browser test waits for it)
    panel.hidden = false;
  }

  async function dropKept() {
    if ("serviceWorker" in navigator && navigator.serviceWorker.controller) {
      await ask(navigator.serviceWorker.controller, {type: "sign-out"});
    }
    await caches.delete(CASES);
    localStorage.removeItem("tasking-kept-" + user);
    const done = (await allWrites()).filter((write) => write.user === user && write.state !== "queued");
    for (const write of done) {
      await dropWrite(write.id);
    }
  }

  async function signOut(form) {
    try {
      await send();
      await dropKept();
    } finally {
      form.submit();
    }
  }

  window.addEventListener("online", () => { send().then(keepForShift); });
  window.addEventListener("offline", () => say("No signal: writes on a case page are queued on this phone."));
  if (!navigator.onLine) {
    say("No signal: this is the copy kept on this phone; writes are queued and sent when the connection returns.");
  }
  if (shiftEnds && !(Date.now() < Date.parse(shiftEnds))) {
    caches.delete(CASES);
  }
  show().then(send).then(keepForShift).catch((error) => say("This phone could not keep pages offline: " + error));
}());
