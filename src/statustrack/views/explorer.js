(function () {
  "use strict";
  // statustrack explorer. Every answer is computed from the embedded data by comparing
  // integer microseconds (UTC); the end of each day in the log's time zone comes from the
  // offsets table Python computed. Text reaches the page only through textContent and
  // setAttribute.
  var D = JSON.parse(document.getElementById("statustrack-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var DAY_US = 86400000000;
  var offsets = D.days.offsets;

  function offsetOf(i) {
    var lo = 0, hi = offsets.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (offsets[mid][0] <= i) lo = mid; else hi = mid - 1;
    }
    return offsets[lo][1];
  }
  function dayEnd(i) { return (D.days.day0 + i + 1) * DAY_US - 1 - offsetOf(i); }
  function dayLabel(i) { return new Date((D.days.day0 + i) * 86400000).toISOString().slice(0, 10); }
  function pad(n, w) { var s = String(n); while (s.length < w) s = "0" + s; return s; }
  function dayOfDate(y, m, d) {
    var ms = Date.UTC(y, m - 1, d);
    var back = new Date(ms);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
    return Math.round(ms / 86400000) - D.days.day0;
  }
  function lastDay(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }
  // The local day containing instant t: the first day whose end is at or after t.
  function dayOfInstant(t) {
    var lo = 0, hi = D.days.count - 1;
    if (t > dayEnd(hi)) return hi;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (dayEnd(mid) >= t) hi = mid; else lo = mid + 1;
    }
    return lo;
  }
  function clampDay(i) { return Math.max(0, Math.min(D.days.count - 1, i)); }

  var INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:\d{2})$/;
  var FORMS = "a day (2020-11-10), a month (2020-11), a year (2020) or an instant (2020-11-09T22:00+04:00)";
  // What a date text means, as `statustrack at` reads it: {label, t, day}, or {error} saying why not.
  function readWhen(text) {
    text = String(text === undefined || text === null ? "" : text).trim();
    if (!text) return { error: "type a date: " + FORMS };
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
    if (m) {
      var y = +m[1], mo = m[2] ? +m[2] : 12;
      if (mo < 1 || mo > 12) return { error: "“" + text + "”: there is no month " + m[2] };
      var d = m[3] ? +m[3] : lastDay(y, mo);
      var day = dayOfDate(y, mo, d);
      if (day === null) return { error: "“" + text + "”: " + m[1] + "-" + m[2] + " has no day " + m[3] + " (it has " + lastDay(y, mo) + ")" };
      if (day < 0 || day >= D.days.count) return { error: "“" + text + "” is outside the log's span, " + dayLabel(0) + " to " + dayLabel(D.days.count - 1) };
      return { label: text, t: dayEnd(day), day: day };
    }
    m = INSTANT.exec(text);
    if (!m) return { error: "“" + text + "” is not a date: use " + FORMS };
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
    if (isNaN(ms) || new Date(ms).getUTCDate() !== +m[3] || +m[4] > 23 || +m[5] > 59) return { error: "“" + text + "”: no such day or time" };
    var frac = m[7] ? +(m[7] + "000000").slice(0, 6) : 0;
    var off = 0;
    if (m[8] !== "Z") {
      var sign = m[8][0] === "-" ? -1 : 1;
      off = sign * (+m[8].slice(1, 3) * 60 + +m[8].slice(4, 6));
    }
    var t = ms * 1000 + frac - off * 60000000;
    if (t < dayEnd(0) - DAY_US || t > dayEnd(D.days.count - 1)) return { error: "“" + text + "” is outside the log's span, " + dayLabel(0) + " to " + dayLabel(D.days.count - 1) };
    return { label: text, t: t, day: dayOfInstant(t) };
  }
  function parseWhen(text) { var w = readWhen(text); return w.error ? null : w; }

  // --- facts at an instant, exactly as query.at + render.fact_json ---------------------
  function entriesAt(t) {
    var out = [];
    for (var i = 0; i < D.versions.length; i++) {
      var v = D.versions[i];
      if (v.from <= t && (v.to === null || t < v.to)) out.push(v);
    }
    out.sort(function (a, b) { return a.rank - b.rank; });
    return out.map(function (v) { return seen(v, t); });
  }
  function seen(v, t) {
    if (v.end <= t) return { v: v, fact: v.fact, otherwiseHolder: null };
    var fact = {};
    for (var name in v.fact) if (Object.prototype.hasOwnProperty.call(v.fact, name)) fact[name] = v.fact[name];
    var before = null;
    var chain = v.chain || [];
    for (var j = 0; j < chain.length; j++) if (chain[j][0] <= t) { before = chain[j]; break; }
    fact.certainty = "possible";
    fact.otherwise = before ? before[1] : null;
    fact.otherwise_event = before ? before[2] : null;
    return { v: v, fact: fact, otherwiseHolder: before ? before[3] : null };
  }

  // --- DOM helpers: text only through textContent -------------------------------------
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, String(attrs[k]));
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function safeUrl(url) { return /^https?:\/\//i.test(String(url || "")) ? String(url) : null; }
  function holderColour(h) { return h && D.holders[h] ? D.holders[h].colour : "#ffffff"; }
  function holderName(h) { return h && D.holders[h] ? D.holders[h].name : (h || ""); }

  var state = { when: null, shown: [], prev: null, selected: null };
  var slider = document.getElementById("slider");
  var box = document.getElementById("when");
  var instantNote = document.getElementById("instant");

  // --- the facts, grouped by aspect ---------------------------------------------------
  function valueText(f) {
    var text = f.display;
    if (f.pending && f.effective) text += " [pending: from " + f.effective + "]";
    if (f.certainty === "possible") text += f.otherwise !== null ? "; if not yet: " + f.otherwise : "; if not yet: nothing on record";
    return text;
  }
  // The facts, one collapsible section per aspect. Rows are kept between dates (keyed by the
  // version and what `seen` made of it), so a step rebuilds only what changed, and a closed
  // section builds no rows at all until it is opened.
  var openAspects = {}, sections = {}, rowCache = new Map(), lastEntries = [], lastBefore = null;
  function factRow(e) {
    var f = e.fact;
    var key = e.v.k + "|" + e.v.from + "|" + f.certainty + "|" + f.otherwise_event;
    var row = rowCache.get(key);
    if (row) return row;
    row = el("tr", "fact");
    row.setAttribute("data-key", String(e.v.k));
    row.setAttribute("data-subject", f.subject);
    row.setAttribute("data-certainty", f.certainty);
    var subject = el("td", "subject");
    subject.appendChild(el("span", "t", f.subject_name));
    var value = el("td", "value");
    value.appendChild(el("span", "t", valueText(f)));
    value.appendChild(el("span", "event-id t", f.event));
    var since = el("td", "since", f.since + (f.certainty === "possible" ? " ?" : ""));
    row.appendChild(subject); row.appendChild(value); row.appendChild(since);
    row.addEventListener("click", function () { showFact(e); });
    rowCache.set(key, row);
    return row;
  }
  function section(aspect) {
    if (sections[aspect]) return sections[aspect];
    var node = el("details", "aspect");
    node.setAttribute("data-aspect", aspect);
    node.open = aspect === "control" || aspect === "conflict" || aspect === "status";
    openAspects[aspect] = node.open;
    var head = el("summary", null, aspect);
    var count = el("span", "muted");
    head.appendChild(count);
    node.appendChild(head);
    var table = el("table");
    table.setAttribute("data-aspect", aspect);
    node.appendChild(table);
    node.addEventListener("toggle", function () {
      openAspects[aspect] = node.open;
      if (node.open) renderFacts(lastEntries, lastBefore);
    });
    sections[aspect] = { node: node, count: count, table: table };
    return sections[aspect];
  }
  function renderFacts(entries, before) {
    lastEntries = entries; lastBefore = before;
    var root = document.getElementById("facts");
    var groups = {}, order = [];
    entries.forEach(function (e) {
      var a = e.fact.aspect;
      if (!groups[a]) { groups[a] = []; order.push(a); }
      groups[a].push(e);
    });
    var wanted = order.map(function (a) { return section(a).node; });
    if (!entries.length) wanted = [el("p", "muted", "No facts in force at this date.")];
    var current = Array.prototype.slice.call(root.children);
    if (current.length !== wanted.length || current.some(function (n, i) { return n !== wanted[i]; })) {
      clear(root);
      wanted.forEach(function (n) { root.appendChild(n); });
    }
    order.forEach(function (a) {
      var sec = section(a), list = groups[a];
      sec.count.textContent = " (" + list.length + ")";
      if (!openAspects[a]) { if (sec.table.firstChild) clear(sec.table); return; }
      var rows = list.map(function (e) {
        var row = factRow(e), f = e.fact, cls = "fact";
        if (f.certainty === "possible") cls += " possible";
        if (f.pending) cls += " pending";
        if (before) {
          var old = before.text[e.v.k];
          if (old === undefined) cls += " added";
          else if (old !== valueText(f)) cls += " changed";
        }
        if (row.className !== cls) row.className = cls;
        return row;
      });
      var have = sec.table.children;
      var same = have.length === rows.length;
      for (var i = 0; same && i < rows.length; i++) if (have[i] !== rows[i]) same = false;
      if (!same) { clear(sec.table); rows.forEach(function (r) { sec.table.appendChild(r); }); }
    });
  }
  // The changes from the date we came from: only values whose text differs, facts begun, facts ended.
  function renderChanges(entries, before) {
    var root = document.getElementById("changes");
    clear(root);
    if (!before) return;
    var now = {};
    var added = [], changed = [], ended = [];
    entries.forEach(function (e) {
      now[e.v.k] = true;
      var old = before.text[e.v.k];
      if (old === undefined) added.push(e); else if (old !== valueText(e.fact)) changed.push(e);
    });
    Object.keys(before.text).forEach(function (k) { if (!now[k]) ended.push(before.facts[k]); });
    root.setAttribute("data-from", before.label);
    if (!added.length && !changed.length && !ended.length) {
      root.appendChild(el("span", "muted", "No changes since " + before.label + "."));
      return;
    }
    root.appendChild(el("strong", null, "Changes since " + before.label + " (" + (added.length + changed.length + ended.length) + "):"));
    var list = el("ul");
    changed.forEach(function (e) {
      var item = el("li", "change-changed");
      item.appendChild(el("span", "t", e.fact.aspect + " · " + e.fact.subject_name + ": " + before.text[e.v.k] + " → " + valueText(e.fact)));
      list.appendChild(item);
    });
    added.forEach(function (e) {
      var item = el("li", "change-added");
      item.appendChild(el("span", "t", e.fact.aspect + " · " + e.fact.subject_name + ": now " + valueText(e.fact)));
      list.appendChild(item);
    });
    ended.forEach(function (f) {
      var item = el("li", "change-ended");
      item.appendChild(el("span", "t", f.aspect + " · " + f.subject_name + ": no longer " + valueText(f)));
      list.appendChild(item);
    });
    root.appendChild(list);
  }
  // --- the summary of the date: the content of `at`'s summary (api/summary.py), counted here
  // from the facts in force. A fact whose accounts name different values is counted under
  // "disputed" ("accounts differ"), never under one account's value.
  var DISPUTED = "disputed", NOTABLE = 4;
  var LEVEL_ORDER = {};
  (D.levels || []).forEach(function (l, i) { LEVEL_ORDER[l] = i; });
  function detailOf(x, name) { var v = x[name]; return v === undefined || v === null ? "" : String(v); }
  // The fact's own field `name`, or DISPUTED when its accounts give different ones.
  function field(f, name) {
    var first = detailOf(f, name), accounts = f.accounts || [];
    for (var i = 0; i < accounts.length; i++) if (detailOf(accounts[i], name) !== first) return DISPUTED;
    return first;
  }
  function lower(s) { return String(s).toLowerCase(); }
  // `entries` counted by key, largest first (ties: "accounts differ" last, then by label).
  function tallies(entries, key, label) {
    var groups = {}, order = [];
    entries.forEach(function (e) {
      var k = key(e);
      if (!Object.prototype.hasOwnProperty.call(groups, k)) { groups[k] = []; order.push(k); }
      groups[k].push(e);
    });
    var out = order.map(function (k) {
      var g = groups[k];
      return { key: k, label: label(k, g[0]), count: g.length, entries: g };
    });
    out.sort(function (a, b) {
      if (a.count !== b.count) return b.count - a.count;
      if ((a.key === DISPUTED) !== (b.key === DISPUTED)) return a.key === DISPUTED ? 1 : -1;
      var x = lower(a.label), y = lower(b.label);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    return out;
  }
  // One UTC calendar year before t (µs), as pendulum subtracts it (29 February → 28).
  function yearBefore(t) {
    var ms = Math.floor(t / 1000), d = new Date(ms);
    var y = d.getUTCFullYear() - 1, m = d.getUTCMonth();
    var back = Date.UTC(y, m, Math.min(d.getUTCDate(), lastDay(y, m + 1)), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
    if (y < 100) back = new Date(back).setUTCFullYear(y);
    return back * 1000 + (t - ms * 1000);
  }
  function summarise(entries, when) {
    var settled = entries.filter(function (e) { return !e.fact.pending; });
    var of = {};
    settled.forEach(function (e) { (of[e.fact.aspect] = of[e.fact.aspect] || []).push(e); });
    function aspect(a) { return of[a] || []; }
    var recentFrom = yearBefore(when.t);
    var control = aspect("control");
    var changed = control.filter(function (e) { return e.v.start > recentFrom; })
      .sort(function (a, b) { return b.v.start - a.v.start; });
    var recognition = aspect("recognition");
    var stances = tallies(recognition, function (e) { return field(e.fact, "stance"); },
      function (k, e) { return k === DISPUTED ? "accounts differ" : e.fact.display; });
    stances.forEach(function (s) {
      s.levels = tallies(s.entries, function (e) { return field(e.fact, "level"); }, function (k) {
        return k === DISPUTED ? "accounts differ" : k ? k.replace(/-/g, " ") : "level not recorded";
      });
    });
    function level(e) { var l = LEVEL_ORDER[field(e.fact, "level")]; return l === undefined ? D.levels.length : l; }
    var notable = recognition.filter(function (e) { return level(e) < LEVEL_ORDER.parliament; })
      .sort(function (a, b) { return level(a) - level(b); }).slice(0, NOTABLE);
    return {
      facts: settled.length,
      pending: entries.length - settled.length,
      aspects: tallies(settled, function (e) { return e.fact.aspect; }, function (k) { return k; }),
      status: aspect("status"),
      control: tallies(control, function (e) { return field(e.fact, "holder"); }, function (k, e) {
        return k === DISPUTED ? "accounts differ" : k ? holderName(k) : e.fact.display;
      }),
      controlPossible: control.filter(function (e) { return e.fact.certainty === "possible"; }).length,
      changed: changed,
      recentLabel: recentFrom < dayEnd(0) - DAY_US ? new Date(Math.floor(recentFrom / 1000)).toISOString().slice(0, 10) : dayLabel(dayOfInstant(recentFrom)),
      offices: tallies(aspect("office"), function (e) {
        return e.v.ended ? "closed" : e.fact.value === null ? DISPUTED : e.fact.value;
      }, function (k) { return k === DISPUTED ? "accounts differ" : k; }),
      officeholders: aspect("officeholder"),
      recognition: stances,
      recognitions: recognition.length,
      notable: notable,
      conflict: aspect("conflict")
    };
  }
  function n(count, noun, plural) { return count + " " + (count === 1 ? noun : plural || noun + "s"); }
  // Whose word a status fact is: "per <party>", else the polity's name.
  function statedBy(f) {
    var party = f.subject_fields && f.subject_fields.party;
    return party ? "per " + (D.parties && D.parties[party] || party) : f.subject_name;
  }
  function itemText(e, label) {
    var f = e.fact;
    return (label || f.subject_name) + ": " + f.display + ", since " + f.since + (f.certainty === "possible" ? " ?" : "");
  }
  var lastSummary = null;
  function renderSummary(entries, when) {
    var root = document.getElementById("summary");
    var s = summarise(entries, when);
    // Built as a list of lines first; the DOM is rebuilt only when a line differs.
    var parts = [];
    function part(name, column) { var p = { name: name, column: column, lines: [] }; parts.push(p); return p; }
    function line(p, head, text, extra) { p.lines.push({ head: head, text: text, extra: extra || null }); }
    function listed(p, entries, cap, label, indent) {
      var shown = entries.length <= cap ? entries.length : Math.max(cap - 1, 0);
      entries.slice(0, shown).forEach(function (e) {
        line(p, null, itemText(e, label ? label(e.fact) : null), { indent: indent || 1, subject: e.fact.subject });
      });
      if (shown < entries.length) line(p, null, "… and " + (entries.length - shown) + " more (in the list below)", { indent: indent || 1 });
    }
    var head = part("counts", 0);
    line(head, when.label + ": ", s.facts ? s.facts + " facts in force (" + s.aspects.map(function (t) { return t.count + " " + t.key; }).join(", ") + ")" +
      (s.pending ? "; " + s.pending + " pending" : "") : "no facts in force");
    var status = part("status", 1);
    line(status, "status: ", s.status.length ? n(s.status.length, "position") : "none on record");
    listed(status, s.status, 3, function (f) { return statedBy(f); });
    var control = part("control", 1);
    var places = s.control.reduce(function (a, t) { return a + t.count; }, 0);
    line(control, "control: ", places ? n(places, "place") + (s.controlPossible ? " (" + s.controlPossible + " possible ?)" : "") +
      "; changed since " + s.recentLabel + ": " + s.changed.length : "none on record");
    if (s.control.length) line(control, null, s.control.map(function (t) { return t.label + " " + t.count; }).join(" · "),
      { indent: 1, tallies: s.control, wrap: true });
    listed(control, s.changed, 4, null, 2);
    var conflict = part("conflict", 1);
    line(conflict, "conflict: ", s.conflict.length ? String(s.conflict.length) : "none on record");
    listed(conflict, s.conflict, 4);
    var posts = part("posts", 2);
    line(posts, "posts: ", (s.officeholders.length ? String(s.officeholders.length) : "none on record") +
      (s.offices.length ? " · offices: " + s.offices.map(function (t) { return t.count + " " + t.label; }).join(", ") : ""));
    listed(posts, s.officeholders, 5);
    var recog = part("recognition", 2);
    line(recog, "recognition: ", s.recognition.length ? n(s.recognitions, "actor") : "none on record");
    var cap = 4, shownStances = s.recognition.length <= cap ? s.recognition.length : cap - 1;
    s.recognition.slice(0, shownStances).forEach(function (t) {
      line(recog, null, t.label + " " + t.count + ": " + t.levels.map(function (l) { return l.label + " " + l.count; }).join(", "),
        { indent: 1, stance: t.key, count: t.count });
    });
    if (shownStances < s.recognition.length) line(recog, null, "… and " + (s.recognition.length - shownStances) + " more (in the list below)", { indent: 1 });
    if (s.notable.length) line(recog, null, "notable: " + s.notable.map(function (e) { return e.fact.subject_name + " (" + e.fact.display + ")"; }).join("; "), { indent: 1 });

    var key = JSON.stringify(parts, function (k, v) { return k === "tallies" ? v.map(function (t) { return [t.key, t.count, t.entries.map(function (e) { return e.fact.subject; })]; }) : v; });
    if (key === lastSummary) return;
    lastSummary = key;
    clear(root);
    var columns = [el("div", "sum-top"), el("div", "sum-col"), el("div", "sum-col")];
    var grid = el("div", "sum-grid");
    grid.appendChild(columns[1]); grid.appendChild(columns[2]);
    root.appendChild(columns[0]); root.appendChild(grid);
    parts.forEach(function (p) {
      var box = el("div", "sum-part");
      box.setAttribute("data-part", p.name);
      p.lines.forEach(function (l) {
        var row = el("div", "sum-line" + (l.extra && l.extra.indent ? " in" + l.extra.indent : "") + (l.extra && l.extra.wrap ? " wrap" : ""));
        if (l.head) row.appendChild(el("b", null, l.head));
        if (l.extra && l.extra.tallies) {
          l.extra.tallies.forEach(function (t, i) {
            var chip = el("span", "tally t", t.label + " " + t.count + (i < l.extra.tallies.length - 1 ? " · " : ""));
            chip.setAttribute("data-key", t.key);
            chip.setAttribute("data-count", String(t.count));
            chip.setAttribute("title", t.entries.map(function (e) { return e.fact.subject_name; }).join(", "));
            row.appendChild(chip);
          });
        } else {
          row.appendChild(el("span", "t", l.text));
          row.setAttribute("title", (l.head || "") + l.text);
        }
        if (l.extra && l.extra.subject) row.setAttribute("data-subject", l.extra.subject);
        if (l.extra && l.extra.stance) { row.setAttribute("data-stance", l.extra.stance); row.setAttribute("data-count", String(l.extra.count)); }
        box.appendChild(row);
      });
      columns[p.column].appendChild(box);
    });
  }

  // --- the map: drawn by Python (views/map.py); here only the markers' paint changes ---
  var markers = {};
  function buildMap() {
    var root = document.getElementById("map");
    if (!D.places.length) {
      root.appendChild(el("p", "muted", "No place of this log has coordinates yet, so there is no map: the places are listed with their holders."));
    }
    D.places.forEach(function (p) {
      var g = root.querySelector("g.place[data-place='" + p.id.replace(/['\\]/g, "\\$&") + "']");
      if (!g) return;
      g.addEventListener("click", function () { showPlace(p.id); });
      markers[p.id] = { g: g, ring: g.querySelector(".possible-ring"), dot: g.querySelector(".marker"),
                        label: g.querySelector(".name"), title: g.querySelector("title"), name: p.name };
    });
  }
  function controlByPlace(entries) {
    var out = {};
    entries.forEach(function (e) {
      var f = e.fact;
      if (f.aspect === "control" && !f.pending && f.subject_fields && f.subject_fields.place) out[f.subject_fields.place] = e;
    });
    return out;
  }
  // What a place looks like: fill (a colour or the stripes of a dispute), ring, and its holder.
  function paintOf(e) {
    if (!e) return { fill: D.no_record, ring: "none", holder: "", certainty: "none", disputed: false };
    var f = e.fact;
    if (f.certainty === "possible") {
      return { fill: holderColour(e.otherwiseHolder), ring: holderColour(f.holder), holder: f.holder || "", certainty: "possible", disputed: false };
    }
    return { fill: e.v.paint || holderColour(f.holder), ring: "none", holder: f.holder || "", certainty: f.certainty,
             disputed: !!(e.v.paint && e.v.paint.indexOf("url(") === 0) };
  }
  function renderMap(entries) {
    var control = controlByPlace(entries);
    Object.keys(markers).forEach(function (id) {
      var m = markers[id], e = control[id], look = paintOf(e);
      var text = m.name + ": no control fact on record";
      if (e) text = m.name + ": " + valueText(e.fact) + ", since " + e.fact.since + " (" + e.fact.event + ")";
      if (m.dot.getAttribute("fill") !== look.fill) m.dot.setAttribute("fill", look.fill);
      m.ring.setAttribute("stroke", look.ring);
      m.g.setAttribute("data-holder", look.holder);
      m.g.setAttribute("data-certainty", look.certainty);
      m.g.setAttribute("data-disputed", look.disputed ? "true" : "false");
      m.g.setAttribute("data-colour", look.certainty === "possible" ? look.ring : look.fill);
      m.title.textContent = text;
      m.label.textContent = m.name + (look.certainty === "possible" ? " ?" : "");
    });
    var unplaced = document.getElementById("unplaced");
    clear(unplaced);
    if (D.unplaced.length) {
      unplaced.appendChild(el("strong", null, "Not on the map (no coordinates, no area with any): "));
      D.unplaced.forEach(function (id) {
        var e = control[id], look = paintOf(e);
        var span = el("span", "unplaced");
        var sw = el("span", "swatch");
        sw.style.background = look.fill.indexOf("url(") === 0 ? "repeating-linear-gradient(45deg,#999,#999 3px,#fff 3px,#fff 6px)" : look.fill;
        if (look.certainty === "possible") sw.style.borderStyle = "dashed";
        span.appendChild(sw);
        span.appendChild(el("span", "t", D.place_info[id].name + ": " + (e ? holderName(e.fact.holder) + (e.fact.certainty === "possible" ? " ?" : "") : "no record")));
        span.setAttribute("data-place", id);
        span.setAttribute("data-holder", look.holder);
        span.addEventListener("click", function () { showPlace(id); });
        unplaced.appendChild(span);
      });
    }
  }

  // --- details: events, notes, sources -----------------------------------------------
  function addPair(dl, term, value) {
    if (value === null || value === undefined || value === "") return;
    dl.appendChild(el("dt", null, term));
    var dd = el("dd");
    if (value instanceof Node) dd.appendChild(value); else dd.appendChild(el("span", "t", value));
    dl.appendChild(dd);
  }
  function sourceNode(ref) {
    var wrap = el("span", "source");
    var src = D.sources[ref.id];
    var url = src ? safeUrl(src.url) : null;
    var name = src ? src.title : ref.id;
    if (url) {
      var a = el("a", "t", name);
      a.setAttribute("href", url);
      a.setAttribute("rel", "noopener noreferrer");
      a.setAttribute("target", "_blank");
      wrap.appendChild(a);
    } else {
      wrap.appendChild(el("span", "t", name));
    }
    if (ref.at) wrap.appendChild(el("span", "muted t", " — " + ref.at));
    wrap.appendChild(el("span", "event-id t", ref.id));
    return wrap;
  }
  function eventNode(id) {
    var box = el("div", "event");
    box.setAttribute("data-event", id);
    var ev = D.events[id];
    box.appendChild(el("strong", "t", id));
    if (!ev) { box.appendChild(el("p", "muted", "not in this selection")); return box; }
    var dl = el("dl");
    addPair(dl, "kind", ev.kind);
    addPair(dl, "date", ev.date);
    addPair(dl, "effective", ev.effective);
    addPair(dl, "recorded", ev.recorded);
    Object.keys(ev.fields).forEach(function (k) { addPair(dl, k, ev.fields[k]); });
    addPair(dl, "replaces", ev.replaces);
    addPair(dl, "account of", ev.account_of);
    addPair(dl, "note", ev.note);
    var sources = el("div");
    ev.sources.forEach(function (ref) { sources.appendChild(sourceNode(ref)); });
    addPair(dl, "sources", sources);
    box.appendChild(dl);
    return box;
  }
  function factEvents(f) {
    var ids = (f.events || [f.event]).slice();
    (f.supports || []).forEach(function (s) { if (ids.indexOf(s.event) < 0) ids.push(s.event); });
    if (f.otherwise_event && ids.indexOf(f.otherwise_event) < 0) ids.push(f.otherwise_event);
    return ids;
  }
  function showFact(e) {
    var root = document.getElementById("details");
    clear(root);
    var f = e.fact;
    root.appendChild(el("h3", "t", f.aspect + " · " + f.subject_name));
    var dl = el("dl");
    addPair(dl, "value", valueText(f));
    addPair(dl, "since", f.since + " (" + f.since_start + " … " + f.since_end + ")");
    addPair(dl, "certainty", f.certainty);
    if (f.disputed) addPair(dl, "disputed", "sources disagree");
    root.appendChild(dl);
    factEvents(f).forEach(function (id) { root.appendChild(eventNode(id)); });
    root.setAttribute("data-showing", "fact:" + e.v.k);
  }
  function showPlace(id) {
    var root = document.getElementById("details");
    clear(root);
    var info = D.place_info[id];
    root.appendChild(el("h3", "t", info.name));
    var dl = el("dl");
    addPair(dl, "kind", info.kind);
    addPair(dl, "also", info.aliases.join(", "));
    if (info.lat !== null) addPair(dl, "at", info.lat + ", " + info.lon);
    if (info.located) addPair(dl, "located", sourceNode(info.located));
    addPair(dl, "note", info.note);
    var e = controlByPlace(state.shown)[id];
    if (e) addPair(dl, "held by", valueText(e.fact) + ", since " + e.fact.since);
    root.appendChild(dl);
    if (e) factEvents(e.fact).forEach(function (ev) { root.appendChild(eventNode(ev)); });
    root.setAttribute("data-showing", "place:" + id);
  }
  function showEvent(id) {
    var root = document.getElementById("details");
    clear(root);
    root.appendChild(eventNode(id));
    root.setAttribute("data-showing", "event:" + id);
  }

  // --- the timeline cursor ------------------------------------------------------------
  var chartSvg = document.querySelector("#timeline svg");
  var cursor = null;
  if (chartSvg) {
    cursor = svg("line", { "class": "cursor", x1: 0, x2: 0, y1: chartSvg.getAttribute("data-top"), y2: chartSvg.getAttribute("data-bottom") });
    chartSvg.appendChild(cursor);
    chartSvg.addEventListener("click", function (ev) {
      var target = ev.target.closest ? ev.target.closest("[data-event]") : null;
      if (target) showEvent(target.getAttribute("data-event"));
    });
  }
  function moveCursor(t) {
    if (!cursor) return;
    var segs = D.timeline.segments, x = segs.length ? segs[segs.length - 1][3] : 0;
    if (segs.length && t <= segs[0][0]) x = segs[0][2];
    for (var i = 0; i < segs.length; i++) {
      var g = segs[i];
      if (t <= g[1] && t >= g[0]) { x = g[2] + (t - g[0]) / (g[1] - g[0]) * (g[3] - g[2]); break; }
    }
    cursor.setAttribute("x1", x.toFixed(2));
    cursor.setAttribute("x2", x.toFixed(2));
  }

  // --- the slider's window and the events strip under it -----------------------------
  var strip = document.getElementById("strip");
  var period = document.getElementById("period");
  var windowLo = 0, windowHi = D.days.count - 1;
  function setWindow(lo, hi) {
    windowLo = clampDay(lo); windowHi = clampDay(Math.max(hi, lo + 1));
    slider.min = String(windowLo); slider.max = String(windowHi);
    clear(strip);
    var span = windowHi - windowLo;
    var lastX = -1;
    D.strip.forEach(function (item) {
      if (item[0] < windowLo || item[0] > windowHi) return;
      var x = (item[0] - windowLo) / span * 1000;
      if (x - lastX < 0.5) return;  // one tick per half unit is as fine as the strip can show
      lastX = x;
      var tick = svg("rect", { x: (x - 0.6).toFixed(1), y: 1, width: 1.2, height: 12, "class": "event-tick", "data-day": item[0] });
      var title = svg("title", {});
      title.textContent = dayLabel(item[0]) + " · " + item[2] + " · " + item[1];
      tick.appendChild(title);
      strip.appendChild(tick);
    });
    if (state.when) slider.value = String(state.when.day);
  }
  strip.addEventListener("click", function (ev) {
    var rect = strip.getBoundingClientRect();
    var day = Math.round(windowLo + (ev.clientX - rect.left) / rect.width * (windowHi - windowLo));
    var near = null;
    D.strip.forEach(function (item) { if (near === null || Math.abs(item[0] - day) < Math.abs(near - day)) near = item[0]; });
    goDay(near === null ? day : near);
  });
  function chooseWindow() {
    var day = state.when ? state.when.day : D.days.count - 1;
    var label = dayLabel(day).split("-").map(Number);
    if (period.value === "all") setWindow(0, D.days.count - 1);
    else if (period.value === "year") setWindow(dayOfDate(label[0], 1, 1), dayOfDate(label[0], 12, 31));
    else if (period.value === "month") setWindow(dayOfDate(label[0], label[1], 1), dayOfDate(label[0], label[1], lastDay(label[0], label[1])));
    else { var ab = period.value.split(":"); setWindow(+ab[0], +ab[1]); }
  }
  period.addEventListener("change", function () {
    chooseWindow();
    if (state.when && (state.when.day < windowLo || state.when.day > windowHi)) goDay(windowLo);
  });

  // --- going to a date -----------------------------------------------------------------
  var errorNote = document.getElementById("when-error");
  var address = document.getElementById("address");
  function showError(text) {
    errorNote.textContent = text;
    box.classList.add("bad");
    box.setAttribute("aria-invalid", "true");
  }
  function clearError() {
    errorNote.textContent = "";
    box.classList.remove("bad");
    box.removeAttribute("aria-invalid");
  }
  function go(when, fromHash) {
    performance.mark("statustrack-redraw-start");
    clearError();
    if (state.when && state.when.label === when.label && state.when.t === when.t) {
      box.value = when.label;
      return;  // already there: nothing to compare, nothing to redraw
    }
    var before = state.prev;
    var entries = entriesAt(when.t);
    state.when = when;
    state.shown = entries;
    if (when.day < windowLo || when.day > windowHi) { period.value = "all"; setWindow(0, D.days.count - 1); }
    else if (period.value === "year" || period.value === "month") chooseWindow();
    slider.value = String(when.day);
    box.value = when.label;
    var micro = String(((when.t % 1000000) + 1000000) % 1000000);
    while (micro.length < 6) micro = "0" + micro;
    instantNote.textContent = "instant " + new Date(Math.floor(when.t / 1000)).toISOString().slice(0, 19) + "." + micro + "Z";
    renderSummary(entries, when);
    renderFacts(entries, before);
    renderChanges(entries, before);
    renderMap(entries);
    moveCursor(when.t);
    var text = {}, facts = {};
    entries.forEach(function (e) { text[e.v.k] = valueText(e.fact); facts[e.v.k] = e.fact; });
    state.prev = { text: text, facts: facts, label: when.label };
    var hash = "#" + when.label;
    address.textContent = hash;
    if (!fromHash && location.hash !== hash) {
      try { history.replaceState(null, "", hash); } catch (err) { location.hash = hash; }
    }
    document.body.setAttribute("data-when", when.label);
    performance.mark("statustrack-redraw-end");
  }
  function goText(text, fromHash) {
    var when = readWhen(text);
    if (when.error) { showError(when.error); return false; }
    go(when, fromHash);
    return true;
  }
  // The date in the address, decoded; a malformed escape is an error in words, not an exception.
  function fromAddress() {
    var raw = location.hash.slice(1);
    if (!raw) return false;
    var text;
    try { text = decodeURIComponent(raw); } catch (err) {
      showError("the address #" + raw + " is not a date: its %-escapes are malformed");
      return false;
    }
    return goText(text, true);
  }
  function goDay(i) {
    i = clampDay(i);
    go({ label: dayLabel(i), t: dayEnd(i), day: i });
  }
  function stepMonth(n) {
    var day = state.when ? state.when.day : 0;
    var parts = dayLabel(day).split("-").map(Number);
    var total = parts[0] * 12 + (parts[1] - 1) + n;
    var y = Math.floor(total / 12), m = total % 12 + 1;
    var d = Math.min(parts[2], lastDay(y, m));
    var target = dayOfDate(y, m, d);
    goDay(target === null ? day : target);
  }

  slider.addEventListener("input", function () { goDay(+slider.value); });
  box.addEventListener("keydown", function (ev) { if (ev.key === "Enter") goText(box.value); });
  box.addEventListener("change", function () { goText(box.value); });
  document.addEventListener("keydown", function (ev) {
    if (ev.target === box || ev.target === period || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var day = state.when ? state.when.day : 0;
    if (ev.key === "ArrowRight" || ev.key === "ArrowUp") { if (ev.shiftKey) stepMonth(1); else goDay(day + 1); }
    else if (ev.key === "ArrowLeft" || ev.key === "ArrowDown") { if (ev.shiftKey) stepMonth(-1); else goDay(day - 1); }
    else if (ev.key === "PageDown") stepMonth(1);
    else if (ev.key === "PageUp") stepMonth(-1);
    else return;
    ev.preventDefault();
  });
  var timer = null;
  var play = document.getElementById("play");
  var speed = document.getElementById("speed");
  function stop() { if (timer) { clearInterval(timer); timer = null; play.textContent = "▶"; } }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    play.textContent = "❚❚";
    timer = setInterval(function () {
      var day = state.when ? state.when.day : 0;
      if (day >= D.days.count - 1) { stop(); return; }
      if (speed.value === "month") stepMonth(1); else goDay(day + (speed.value === "week" ? 7 : 1));
    }, 120);
  });
  window.addEventListener("hashchange", function () { fromAddress(); });

  buildMap();
  setWindow(0, D.days.count - 1);
  if (!fromAddress()) {
    var problem = errorNote.textContent;
    goDay(D.days.count - 1);
    if (problem) showError(problem);
  }

  // A small API for scripts and tests: the same answers the page shows.
  window.statustrack = {
    go: function (text) { return goText(text); },
    goDay: goDay,
    when: function () { return state.when; },
    facts: function () { return state.shown.map(function (e) { return e.fact; }); },
    factsAt: function (text) { var w = parseWhen(text); return w ? entriesAt(w.t).map(function (e) { return e.fact; }) : null; },
    dayIndex: function (text) { var w = parseWhen(text); return w ? w.day : null; },
    dayEnd: function (text) { var w = parseWhen(text); return w ? w.t : null; },
    marker: function (id) { var m = markers[id]; return m ? { holder: m.g.getAttribute("data-holder"), colour: m.g.getAttribute("data-colour"), certainty: m.g.getAttribute("data-certainty"), disputed: m.g.getAttribute("data-disputed") === "true" } : null; }
  };
})();
