/* The status banner in the visitor's own time: progressive enhancement, no framework.
 *
 * The server writes the check time in UTC and the words for its own moment. This script, when it
 * runs, shows that time in the visitor's time zone, adds "N minutes ago", and once the reading is
 * older than data-stale-after seconds says plainly that it is out of date (data-client-stale on the
 * banner and the home page summary; status.css turns them grey). Without it the page still reads
 * correctly, in UTC. It runs again every minute and after each instant navigation, which replaces
 * the banner with the one of the newly fetched page.
 */
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

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(update);  // first load and every instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", update);
  } else {
    update();
  }
  window.setInterval(update, TICK_MS);
})();
