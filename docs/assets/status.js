/* The status banner in the visitor's time zone, flagged when out of date, kept current: README,
 * "The banner in the browser". Comments are few on purpose: every byte here is sent to visitors. */
(function () {
  "use strict";

  var TICK_MS = 60000;
  var OUTDATED = "This reading is out of date: check the official status page.";
  // English like the rest of the page, in the visitor's time zone: "27 Nov 2026, 01:50 CET".
  var format = new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });

  function ago(seconds) {
    var minutes = Math.floor(Math.max(seconds, 0) / 60);
    if (minutes < 1) return "just now";
    if (minutes < 120) return minutes + (minutes === 1 ? " minute ago" : " minutes ago");
    var hours = Math.floor(minutes / 60);
    return hours < 48 ? hours + " hours ago" : Math.floor(hours / 24) + " days ago";
  }

  // Write only when the text differs, so the polite live region (role=status) stays quiet.
  function setText(node, text) {
    if (node && node.textContent !== text) node.textContent = text;
  }

  function outdatedNote(parent, tag, className) {
    var note = parent.querySelector("." + className);
    if (!note) {
      note = document.createElement(tag);
      note.className = className;
      note.textContent = OUTDATED;
      parent.insertBefore(note, parent.firstChild);
    }
  }

  function update() {
    var banner = document.querySelector(".status-banner[data-checked-at]");
    if (!banner) return;  // unknown: nothing was read, the server text says so already
    var checked = Date.parse(banner.getAttribute("data-checked-at"));
    var limit = Number(banner.getAttribute("data-stale-after"));
    if (isNaN(checked)) return;
    var age = (Date.now() - checked) / 1000;

    var time = banner.querySelector("time");
    if (time) {
      if (!time.title) time.title = time.textContent;  // the UTC time stays one hover away
      setText(time, format.format(new Date(checked)));
    }
    // The relative age changes every minute: hidden from screen readers (they have the time
    // itself), so the live region does not announce it again and again.
    var ageNode = banner.querySelector(".status-banner__age");
    if (ageNode) {
      var stale = banner.getAttribute("data-freshness") === "stale";
      ageNode.setAttribute("aria-hidden", "true");
      setText(ageNode, " (" + ago(age) + (stale ? ": the latest check failed)" : ")"));
    }

    if (limit > 0 && age > limit && !banner.hasAttribute("data-client-stale")) {
      banner.setAttribute("data-client-stale", "");
      outdatedNote(banner.querySelector(".status-banner__text") || banner, "strong",
                   "status-banner__outdated");
      var summary = document.querySelector(".status-summary");
      if (summary) {
        summary.setAttribute("data-client-stale", "");
        outdatedNote(summary, "p", "status-summary__outdated");
      }
    }
  }

  // Live refresh: not before the next build, random offsets, nothing hidden or idle, back-off.
  var json = document.currentScript, timer, errors = 0, built = 0, active = Date.now(), region;
  json = json && new URL("../status.json", json.src).href;
  var KEYS = ["data-checked-at", "data-status", "data-freshness"];

  function at(node, name) { return Date.parse(node.getAttribute(name)) || 0; }

  function schedule(wait) {
    var box = document.querySelector(".status-live");
    clearTimeout(timer);
    timer = 0;
    if (!json || !box || document.hidden || Date.now() - active > 72e5) return;
    var next = Math.max(at(box, "data-built-at"), built) - Date.now() + 1e3 * box.getAttribute("data-refresh-after");
    timer = setTimeout(poll, Math.max(wait, next) + Math.random() * (wait || next > 0 ? 6e4 : 2e3));
  }

  function get(url) {  // no-cache: revalidated (304)
    return fetch(url, {cache: "no-cache"}).then(function (r) {
      if (!r.ok) throw r;
      return r;
    });
  }

  function poll() {
    if (navigator.onLine) get(json).then(function (r) { return r.json(); }).then(function (s) {
      var b = document.querySelector(".status-banner"), now = [s.checked_at, s.verdict, s.freshness];
      errors = 0;
      built = Math.max(built, Date.parse(s.built_at));
      if (b && KEYS.some(function (k, i) { return b.getAttribute(k) != now[i]; })) return swap(b);
    }).then(function () { schedule(12e4); }, function () { schedule(Math.min(12e4 << ++errors, 18e5)); });
  }

  // The build's markup, from this page fetched again; an old page from the CDN is left alone.
  function swap(old) {
    return get(location.href).then(function (r) { return r.text(); }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html"), b = doc.querySelector(".status-banner");
      var olds = {}, prev, sel = ".status-live,.status-summary,[data-status-swap]";
      if (!b || KEYS.every(function (k) { return b.getAttribute(k) == old.getAttribute(k); })) return;
      function key(n) { return n.id || n.classList[0]; }
      document.querySelectorAll(sel).forEach(function (n) { olds[key(n)] = n; });
      doc.querySelectorAll(sel).forEach(function (n) {
        var o = olds[key(n)];
        if (o) o.replaceWith(n); else if (prev) prev.after(n); else return;
        delete olds[key(n)];
        prev = n;
      });
      for (var k in olds) olds[k].remove();
      if (b.dataset.status != old.dataset.status) region.textContent = b.querySelector(".status-banner__verdict").textContent
        + " (was " + old.querySelector(".status-banner__verdict").textContent.replace(/^[^:]*: /, "") + ")";
      update();
    });
  }

  function start() {
    var box = document.querySelector(".status-live");
    update();
    // An instant navigation to a page older than a reading already seen (HTTP cache): catch up.
    box && built > at(box, "data-built-at") ? poll() : schedule(0);
  }

  if (json) {
    region = document.body.appendChild(document.createElement("div"));
    region.setAttribute("aria-live", "polite");
    region.style.cssText = "position:absolute;left:-99em";
    ["pointerdown", "keydown", "scroll", "focus", "visibilitychange"].forEach(function (e) {
      addEventListener(e, function (ev) {
        active = Date.now();
        if (!timer || ev.type[0] == "v") schedule(0);
      }, true);
    });
    addEventListener("online", start);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(start);  // first load and every instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  window.setInterval(update, TICK_MS);
})();
