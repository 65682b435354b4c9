/* The banner in the visitor's time zone, flagged when out of date, kept current: README, "The
 * banner in the browser" and "Live refresh" (few comments here: all are sent). */
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat("en-GB", {
    day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short"
  });
  var json = document.currentScript, timer, errors = 0, built = 0, active = Date.now(), region,
    BLOCKS = ".status-summary,[data-status-swap]";
  json = json && new URL("../status.json", json.src).href;

  function $(sel) { return document.querySelector(sel); }
  function all(sel, doc) { return (doc || document).querySelectorAll(sel); }
  function at(node, key) { return Date.parse(node.dataset[key]) || 0; }
  function reading(b) { return [b.dataset.checkedAt, b.dataset.status, b.dataset.freshness] + ""; }
  function make(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }

  function ago(seconds) {
    var minutes = Math.floor(Math.max(seconds, 0) / 60), hours = Math.floor(minutes / 60);
    return minutes < 1 ? "just now" : minutes < 2 ? "1 minute ago" : minutes < 120 ? minutes + " minutes ago"
      : hours < 48 ? hours + " hours ago" : Math.floor(hours / 24) + " days ago";
  }

  // Only if it differs: role=status stays quiet.
  function setText(node, text) {
    if (node.textContent != text) node.textContent = text;
  }

  function outdated(box, tag, className) {
    box.dataset.clientStale = "";
    box.querySelector("." + className) || (box.querySelector(".status-banner__text") || box).prepend(
      make(tag, className, "This reading is out of date: check the official status page."));
  }

  function update() {
    var banner = $(".status-banner[data-checked-at]"), checked = banner && at(banner, "checkedAt"), age, node;
    if (!checked) return;
    age = (Date.now() - checked) / 1000;
    if (node = banner.querySelector("time")) {
      node.title = node.title || node.textContent;  // UTC
      setText(node, format.format(checked));
    }
    if (node = banner.querySelector(".status-banner__age")) {
      node.setAttribute("aria-hidden", "true");  // or said every minute
      setText(node, " (" + ago(age) + (banner.dataset.freshness == "stale" ? ": the latest check failed)" : ")"));
    }
    if (age > banner.dataset.staleAfter && banner.dataset.staleAfter > 0 && !("clientStale" in banner.dataset)) {
      outdated(banner, "strong", "status-banner__outdated");
      (node = $(".status-summary")) && outdated(node, "p", "status-summary__outdated");
    }
  }

  function schedule(wait) {
    var box = $(".status-live"), next;
    clearTimeout(timer);
    timer = 0;
    if (!json || !box || document.hidden || Date.now() - active > 72e5) return;
    next = Math.max(at(box, "builtAt"), built) - Date.now() + 1e3 * box.dataset.refreshAfter;
    timer = setTimeout(poll, Math.max(wait, next) + Math.random() * (wait || next > 0 ? 6e4 : 2e3));
  }

  function get(url, type) {  // revalidated: 304
    return fetch(url, {cache: "no-cache"}).then(function (r) {
      if (!r.ok) throw r;
      return r[type]();
    });
  }

  function poll() {
    if (navigator.onLine) get(json, "json").then(function (s) {
      var b = $(".status-banner"), now = [s.checked_at, s.verdict, s.freshness];
      errors = 0;
      built = Math.max(built, Date.parse(s.built_at));
      if (b && reading(b) != now + "") return swap(b);
    }).then(function () { schedule(12e4); }, function () { schedule(Math.min(12e4 << ++errors, 18e5)); });
  }

  // By id or first class: replaced, added after the one before, or removed.
  function put(from, sel) {
    var olds = {}, prev;
    function key(n) { return n.id || n.classList[0]; }
    all(sel).forEach(function (n) { olds[key(n)] = n; });
    all(sel, from).forEach(function (n) {
      var o = olds[key(n)];
      if (o) o.replaceWith(n); else if (prev) prev.after(n); else return;
      delete olds[key(n)];
      prev = n;
    });
    for (var k in olds) olds[k].remove();
  }

  function bottoms() {
    return [].map.call(all(BLOCKS), function (n) { return n.getBoundingClientRect().bottom; });
  }

  function verdict(banner) { return banner.querySelector(".status-banner__verdict").textContent; }

  // The build's markup: this page fetched again (left alone if the CDN's is old).
  function swap(old) {
    return get(location.href, "text").then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html"), b = doc.querySelector(".status-banner"),
        first = $(BLOCKS), top = first && first.getBoundingClientRect().top, was = bottoms(), back = make("div", "", "");
      if (!b || reading(b) == reading(old)) return;
      put(doc, ".status-live");  // the same size for every reading (status.css)
      if (b.dataset.status != old.dataset.status) region.textContent = verdict(b) + " (was " + verdict(old).replace(/.*: /, "") + ")";
      all(BLOCKS).forEach(function (n) { back.append(n.cloneNode(true)); });
      function later() { put(doc, BLOCKS); update(); }
      // No layout shift: tried before any paint, kept if no edge moved; else at once if below the
      // view, else on a click (input excuses 500 ms) on a fixed button, seen even scrolled down.
      put(doc.cloneNode(true), BLOCKS);
      if (bottoms() + "" != was) {
        put(back, BLOCKS);
        if (top >= innerHeight) later();
        else ($(".status-more") || $(BLOCKS).appendChild(make("button", "status-more",
          "Updated: show the new details"))).onclick = function () {
          later();
          (first = $(BLOCKS)).tabIndex = -1;
          first.focus();
        };
      }
      update();
    });
  }

  function start() {
    var box = $(".status-live");
    update();
    // Instant navigation to a cached page older than a reading seen: catch up.
    box && built > at(box, "builtAt") ? poll() : schedule(0);
  }

  if (json) {
    region = document.body.appendChild(make("div", "status-said", ""));
    region.setAttribute("aria-live", "polite");
    ["pointerdown", "keydown", "scroll", "focus", "visibilitychange"].forEach(function (e) {
      addEventListener(e, function (ev) {
        active = Date.now();
        if (!timer || ev.type[0] == "v") schedule(0);
      }, true);
    });
    addEventListener("online", start);
  }
  window.document$ ? document$.subscribe(start) : start();
  setInterval(update, 6e4);
})();
