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
  // What a date text means, as `statustrack at` reads it: {label, t, day} or null.
  function parseWhen(text) {
    text = String(text || "").trim();
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(text);
    if (m) {
      var y = +m[1], mo = m[2] ? +m[2] : 12;
      if (mo < 1 || mo > 12) return null;
      var d = m[3] ? +m[3] : lastDay(y, mo);
      var day = dayOfDate(y, mo, d);
      if (day === null || day < 0 || day >= D.days.count) return null;
      return { label: text, t: dayEnd(day), day: day };
    }
    m = INSTANT.exec(text);
    if (!m) return null;
    var ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], m[6] ? +m[6] : 0);
    if (isNaN(ms) || new Date(ms).getUTCDate() !== +m[3]) return null;
    var frac = m[7] ? +(m[7] + "000000").slice(0, 6) : 0;
    var off = 0;
    if (m[8] !== "Z") {
      var sign = m[8][0] === "-" ? -1 : 1;
      off = sign * (+m[8].slice(1, 3) * 60 + +m[8].slice(4, 6));
    }
    var t = ms * 1000 + frac - off * 60000000;
    return { label: text, t: t, day: dayOfInstant(t) };
  }

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
    var text = f.value;
    if (f.pending && f.effective) text += " [pending: from " + f.effective + "]";
    if (f.certainty === "possible") text += f.otherwise !== null ? "; if not yet: " + f.otherwise : "; if not yet: nothing on record";
    return text;
  }
  function renderFacts(entries, before) {
    var root = document.getElementById("facts");
    clear(root);
    if (!entries.length) { root.appendChild(el("p", "muted", "No facts in force at this date.")); return; }
    var table = null, aspect = null;
    entries.forEach(function (e) {
      var f = e.fact;
      if (f.aspect !== aspect) {
        aspect = f.aspect;
        var h = el("h2", null, aspect);
        h.setAttribute("data-aspect", aspect);
        root.appendChild(h);
        table = el("table");
        table.setAttribute("data-aspect", aspect);
        root.appendChild(table);
      }
      var row = el("tr", "fact");
      row.setAttribute("data-key", String(e.v.k));
      row.setAttribute("data-subject", f.subject);
      row.setAttribute("data-certainty", f.certainty);
      if (f.certainty === "possible") row.classList.add("possible");
      if (f.pending) row.classList.add("pending");
      if (before) {
        var old = before[e.v.k];
        if (old === undefined) row.classList.add("added");
        else if (old !== JSON.stringify(f)) row.classList.add("changed");
      }
      var subject = el("td", "subject");
      subject.appendChild(el("span", "t", f.subject_name));
      var value = el("td", "value");
      value.appendChild(el("span", "t", valueText(f)));
      value.appendChild(el("span", "event-id t", f.event));
      var since = el("td", "since", f.since + (f.certainty === "possible" ? " ?" : ""));
      row.appendChild(subject); row.appendChild(value); row.appendChild(since);
      row.addEventListener("click", function () { showFact(e); });
      table.appendChild(row);
    });
  }
  function renderChanges(entries, before, beforeLabel) {
    var root = document.getElementById("changes");
    clear(root);
    if (!before) return;
    var now = {};
    var added = [], changed = [], ended = [];
    entries.forEach(function (e) {
      now[e.v.k] = true;
      var old = before.sig[e.v.k];
      if (old === undefined) added.push(e); else if (old !== JSON.stringify(e.fact)) changed.push(e);
    });
    Object.keys(before.sig).forEach(function (k) { if (!now[k]) ended.push(before.facts[k]); });
    if (!added.length && !changed.length && !ended.length) {
      root.appendChild(el("span", "muted", "No changes since " + beforeLabel + "."));
      return;
    }
    root.appendChild(el("strong", null, "Changes since " + beforeLabel + ":"));
    var list = el("ul");
    changed.forEach(function (e) {
      var item = el("li", "change-changed");
      item.appendChild(el("span", "t", e.fact.aspect + " · " + e.fact.subject_name + ": " + before.facts[e.v.k].value + " → " + e.fact.value));
      list.appendChild(item);
    });
    added.forEach(function (e) {
      var item = el("li", "change-added");
      item.appendChild(el("span", "t", e.fact.aspect + " · " + e.fact.subject_name + ": now " + e.fact.value));
      list.appendChild(item);
    });
    ended.forEach(function (f) {
      var item = el("li", "change-ended");
      item.appendChild(el("span", "t", f.aspect + " · " + f.subject_name + ": no longer " + f.value));
      list.appendChild(item);
    });
    root.appendChild(list);
  }

  // --- the map ------------------------------------------------------------------------
  var markers = {};
  function buildMap() {
    var root = document.getElementById("map");
    var W = D.map.width, H = D.map.height;
    if (!D.places.length) {
      root.appendChild(el("p", "muted", "No place of this log has coordinates yet, so there is no map: the places are listed with their holders."));
    }
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", "aria-label": "map of control" });
    D.places.forEach(function (p) {
      var g = svg("g", { "class": "place", "data-place": p.id });
      var ring = svg("circle", { cx: p.x, cy: p.y, r: 11, fill: "none", stroke: "none", "stroke-width": 3, "stroke-dasharray": "4 3", "class": "possible-ring" });
      var dot = svg("circle", { cx: p.x, cy: p.y, r: 7, fill: "#dddddd", stroke: "#222222", "stroke-width": 1.2, "class": "marker" });
      var label = svg("text", { x: p.lx, y: p.ly, "text-anchor": p.anchor, "class": "name" });
      label.textContent = p.name;
      var title = svg("title", {});
      g.appendChild(title); g.appendChild(ring); g.appendChild(dot); g.appendChild(label);
      g.addEventListener("click", function () { showPlace(p.id); });
      s.appendChild(g);
      markers[p.id] = { g: g, ring: ring, dot: dot, label: label, title: title, name: p.name };
    });
    if (D.places.length) root.appendChild(s);
    var unplaced = el("p", null);
    unplaced.id = "unplaced";
    root.appendChild(unplaced);
    var legend = el("div", "legend");
    D.holder_order.forEach(function (h) {
      var item = el("span", "legend-item");
      var sw = el("span", "swatch");
      sw.style.background = holderColour(h);
      item.appendChild(sw);
      item.appendChild(el("span", "t", holderName(h)));
      legend.appendChild(item);
    });
    var note = el("span", "muted", "dashed ring: possible holder (fill: holder if not yet)");
    legend.appendChild(note);
    root.appendChild(legend);
  }
  function controlByPlace(entries) {
    var out = {};
    entries.forEach(function (e) {
      var f = e.fact;
      if (f.aspect === "control" && !f.pending && f.subject_fields && f.subject_fields.place) out[f.subject_fields.place] = e;
    });
    return out;
  }
  function renderMap(entries) {
    var control = controlByPlace(entries);
    Object.keys(markers).forEach(function (id) {
      var m = markers[id], e = control[id];
      var fill = "#dddddd", ring = "none", holder = "", certainty = "none", text = m.name + ": no control fact on record";
      if (e) {
        var f = e.fact;
        holder = f.holder || "";
        certainty = f.certainty;
        if (f.certainty === "possible") {
          fill = holderColour(e.otherwiseHolder);
          ring = holderColour(holder);
        } else {
          fill = holderColour(holder);
        }
        text = m.name + ": " + valueText(f) + ", since " + f.since + " (" + f.event + ")";
      }
      m.dot.setAttribute("fill", fill);
      m.ring.setAttribute("stroke", ring);
      m.g.setAttribute("data-holder", holder);
      m.g.setAttribute("data-certainty", certainty);
      m.g.setAttribute("data-colour", certainty === "possible" ? ring : fill);
      m.title.textContent = text;
      m.label.textContent = m.name + (certainty === "possible" ? " ?" : "");
    });
    var unplaced = document.getElementById("unplaced");
    clear(unplaced);
    if (D.unplaced.length) {
      unplaced.appendChild(el("strong", null, "Not on the map (no coordinates): "));
      D.unplaced.forEach(function (id, i) {
        var e = control[id];
        var span = el("span", "unplaced");
        var sw = el("span", "swatch");
        sw.style.background = e ? holderColour(e.fact.certainty === "possible" ? e.otherwiseHolder : e.fact.holder) : "#dddddd";
        if (e && e.fact.certainty === "possible") sw.style.borderStyle = "dashed";
        span.appendChild(sw);
        span.appendChild(el("span", "t", D.place_info[id].name + ": " + (e ? holderName(e.fact.holder) + (e.fact.certainty === "possible" ? " ?" : "") : "no record")));
        span.setAttribute("data-place", id);
        span.setAttribute("data-holder", e ? (e.fact.holder || "") : "");
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
    var x0 = +chartSvg.getAttribute("data-x0"), x1 = +chartSvg.getAttribute("data-x1");
    var share = (t - D.timeline.lo) / (D.timeline.hi - D.timeline.lo);
    var x = x0 + Math.max(0, Math.min(1, share)) * (x1 - x0);
    cursor.setAttribute("x1", x.toFixed(2));
    cursor.setAttribute("x2", x.toFixed(2));
  }

  // --- going to a date -----------------------------------------------------------------
  function go(when, fromHash) {
    var before = state.prev;
    var entries = entriesAt(when.t);
    state.when = when;
    state.shown = entries;
    slider.value = String(when.day);
    box.value = when.label;
    box.classList.remove("bad");
    var micro = String(((when.t % 1000000) + 1000000) % 1000000);
    while (micro.length < 6) micro = "0" + micro;
    instantNote.textContent = "instant: " + new Date(Math.floor(when.t / 1000)).toISOString().slice(0, 19) + "." + micro + "Z";
    var beforeSig = null;
    if (before) beforeSig = before.sig;
    renderFacts(entries, beforeSig);
    renderChanges(entries, before, before ? before.label : "");
    renderMap(entries);
    moveCursor(when.t);
    var sig = {}, facts = {};
    entries.forEach(function (e) { sig[e.v.k] = JSON.stringify(e.fact); facts[e.v.k] = e.fact; });
    state.prev = { sig: sig, facts: facts, label: when.label };
    if (!fromHash) {
      var hash = "#" + when.label;
      if (location.hash !== hash) {
        try { history.replaceState(null, "", hash); } catch (err) { location.hash = hash; }
      }
    }
    document.body.setAttribute("data-when", when.label);
  }
  function goText(text, fromHash) {
    var when = parseWhen(text);
    if (!when) { box.classList.add("bad"); return false; }
    go(when, fromHash);
    return true;
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
    if (ev.target === box || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var day = state.when ? state.when.day : 0;
    if (ev.key === "ArrowRight") goDay(day + 1);
    else if (ev.key === "ArrowLeft") goDay(day - 1);
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
  window.addEventListener("hashchange", function () { goText(decodeURIComponent(location.hash.slice(1)), true); });

  buildMap();
  var start = location.hash ? decodeURIComponent(location.hash.slice(1)) : "";
  if (!start || !goText(start, true)) goDay(D.days.count - 1);

  // A small API for scripts and tests: the same answers the page shows.
  window.statustrack = {
    go: function (text) { return goText(text); },
    goDay: goDay,
    when: function () { return state.when; },
    facts: function () { return state.shown.map(function (e) { return e.fact; }); },
    factsAt: function (text) { var w = parseWhen(text); return w ? entriesAt(w.t).map(function (e) { return e.fact; }) : null; },
    dayIndex: function (text) { var w = parseWhen(text); return w ? w.day : null; },
    dayEnd: function (text) { var w = parseWhen(text); return w ? w.t : null; },
    marker: function (id) { var m = markers[id]; return m ? { holder: m.g.getAttribute("data-holder"), colour: m.g.getAttribute("data-colour"), certainty: m.g.getAttribute("data-certainty") } : null; }
  };
})();
