// The console's own script (served from /static/: CSP script-src 'self', nothing inline).
// Live board: htmx's SSE extension delivers "incident" events (data: the incident number)
// on #live; for each, only that incident's card is fetched (GET /board/incidents/N) and
// put in its section. A new unacknowledged incident beeps (unless muted) and the tab title
// says "(N) New incident" until the page is looked at, N the incidents waiting. A board opened (or reloaded) while incidents are
// already waiting beeps once and its title counts them until they are acknowledged.
// Browsers may refuse sound before the person has clicked the page (autoplay policies):
// then a visible "Sound is off: click to turn it on" button appears; its click plays it.
(function () {
  "use strict";
  var unseen = new Set();  // new unacknowledged incidents not yet looked at
  var body = document.body;
  function muted() { return localStorage.getItem("alertbot-muted") === "1"; }
  function showMute() {
    var b = document.getElementById("mute");
    if (!b) return;
    b.textContent = muted() ? body.dataset.unmute : body.dataset.mute;
    b.setAttribute("aria-pressed", muted() ? "true" : "false");
  }
  function waiting() {  // unacknowledged incidents on the board (drills have their own)
    return document.querySelectorAll(
      "#sec-unacked .cards > article[data-state=triggered]").length;
  }
  function title() {
    // The number is always the incidents waiting for acknowledgement (new-user trial:
    // "(1) New incident" with 2 waiting); "New incident" while one is not yet looked at.
    var w = waiting();
    document.title = unseen.size ? "(" + (w || unseen.size) + ") " + body.dataset.newTitle +
      " — alertbot" : w ? "(" + w + ") " + body.dataset.waitingTitle + " — " +
      body.dataset.baseTitle : body.dataset.baseTitle;
  }
  function soundBlocked(blocked) {
    var b = document.getElementById("sound-off");
    if (b) b.hidden = !blocked;
    body.dataset.sound = blocked ? "blocked" : "on";
  }
  function play() {
    var a = document.getElementById("beep");
    if (!a || !a.play) return;
    var p = a.play();
    if (p && p.then) p.then(function () { soundBlocked(false); }, function (e) {
      if (e && e.name === "NotAllowedError") soundBlocked(true);  // autoplay refused
    });
  }
  function beep() {
    body.dataset.beeps = String(Number(body.dataset.beeps || "0") + 1);
    if (!muted()) play();
  }
  function counts() {
    document.querySelectorAll("section[data-section]").forEach(function (s) {
      var c = s.querySelector("[data-count]");
      if (c) c.textContent = String(s.querySelectorAll(".cards > article").length);
    });
    title();
  }
  function place(card) {
    // Put a fetched card in its section, in the section's order (see board.py).
    var section = document.getElementById("sec-" + card.dataset.section);
    if (!section) return;
    var list = section.querySelector(".cards");
    var key = function (el) {
      var s = el.dataset.section;
      if (s === "unacked") return Number(el.dataset.created);
      if (s === "acked") return -Number(el.dataset.acked);
      if (s === "resolved") return -Number(el.dataset.resolved);
      return (el.dataset.state === "resolved" ? 1e12 : 0) - Number(el.dataset.created);
    };
    var before = null;
    list.querySelectorAll(":scope > article").forEach(function (el) {
      if (!before && el !== card && key(el) > key(card)) before = el;
    });
    list.insertBefore(card, before);
  }
  function refreshCard(id) {
    var old = document.getElementById("inc-" + id);
    var wasUnacked = old && old.dataset.state === "triggered";
    fetch("/board/incidents/" + encodeURIComponent(id), {credentials: "same-origin"})
      .then(function (r) {
        if (r.status === 404 || r.status === 403) { if (old) old.remove(); counts(); return null; }
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (html === null || html === undefined) return;
        var tpl = document.createElement("template");
        tpl.innerHTML = html.trim();
        var card = tpl.content.firstElementChild;
        if (!card) { if (old) old.remove(); counts(); return; }
        if (old) old.remove();
        place(card);
        counts();
        var waiting = card.dataset.state === "triggered" && card.dataset.section === "unacked";
        if (waiting && !wasUnacked && !old) { unseen.add(id); title(); beep(); }
        if (!waiting && unseen.delete(id)) title();  // acknowledged meanwhile
      });
  }
  function refreshIncident(id) {
    // The incident page: re-render its body (not the forms being typed in).
    if (typeof htmx === "undefined") return;
    htmx.ajax("GET", "/incidents/" + encodeURIComponent(id),
              {target: "#incident-body", select: "#incident-body", swap: "outerHTML"});
  }
  document.addEventListener("htmx:sseMessage", function (ev) {
    var msg = ev.detail || {};
    if (msg.type === "resync") { location.reload(); return; }
    if (msg.type && msg.type !== "incident") return;
    var id = String(msg.data || "").trim();
    if (!/^[0-9]{1,9}$/.test(id)) return;
    var page = document.querySelector("main[data-page]");
    if (!page) return;
    if (page.dataset.page === "board") refreshCard(id);
    else if (page.dataset.page === "incident" && page.dataset.id === id) refreshIncident(id);
  });
  document.addEventListener("htmx:sseOpen", function () {
    var off = document.getElementById("live-off");
    if (off) off.hidden = true;
    body.dataset.live = "open";
  });
  document.addEventListener("htmx:sseError", function () {
    var off = document.getElementById("live-off");
    if (off) off.hidden = false;
    body.dataset.live = "error";
  });
  // The action routes answer JSON ({outcome, key, reply, incident}): show the reply's
  // words as text (never as HTML), whatever the status (403: not on the team).
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var xhr = ev.detail && ev.detail.xhr;
    var type = xhr ? (xhr.getResponseHeader("Content-Type") || "") : "";
    if (type.indexOf("application/json") === -1) return;
    ev.detail.shouldSwap = false;
    var words = "";
    try { words = JSON.parse(xhr.responseText).reply || ""; } catch (e) { words = ""; }
    var out = document.getElementById("action-result");
    if (out) out.textContent = words || xhr.statusText || String(xhr.status);
  });
  document.addEventListener("htmx:afterRequest", function (ev) {
    var page = document.querySelector("main[data-page=incident]");
    var form = ev.detail && ev.detail.elt;
    if (page && form && form.tagName === "FORM" && ev.detail.successful) {
      form.reset && form.reset();
      refreshIncident(page.dataset.id);
    }
  });
  function seen() {
    if (unseen.size && document.visibilityState === "visible" && document.hasFocus()) {
      unseen.clear(); title();
    }
  }
  document.addEventListener("visibilitychange", seen);
  window.addEventListener("focus", seen);
  document.addEventListener("click", seen);
  // "waiting 12 min", "next page in 2 min" and a drill's "ends by itself ... (in 3 min)"
  // age: once a minute the unacknowledged cards and the open drills' (only those) are
  // fetched again, one each.
  setInterval(function () {
    if (document.querySelector("main[data-page=board]") === null) return;
    document.querySelectorAll("#sec-unacked .cards > article, " +
        "#sec-drills .cards > article:not([data-state=resolved])").forEach(function (el) {
      refreshCard(el.dataset.id);
    });
  }, 60000);
  document.addEventListener("DOMContentLoaded", function () {
    showMute();
    var off = document.getElementById("sound-off");
    if (off) off.addEventListener("click", function () { play(); });  // a click allows it
    if (document.querySelector("main[data-page=board]") && waiting()) { title(); beep(); }
    var b = document.getElementById("mute");
    if (b) b.addEventListener("click", function (ev) {
      ev.stopPropagation();
      localStorage.setItem("alertbot-muted", muted() ? "0" : "1");
      showMute();
    });
  });
})();
