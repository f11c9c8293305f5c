/* textloop span editor: a token cursor, a selection, the annotator's spans and the pending
   suggestions for one record, drawn over the text the server cut into tokens and gaps.

   Offsets here are UTF-16 code units, as the server rendered them (data-s, data-e and the
   JSON in data-spans / data-suggestions); the server converts them to code points when the
   answer is posted, so this script never counts characters itself. Record text is never
   built into markup: labels, sources and span texts are set with textContent. */
(function () {
  "use strict";
  var state = null;
  var busy = false;   // an answer is on its way: keys wait for the next record
  var dragging = false;

  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function key(span) { return span.start + ":" + span.end + ":" + span.label; }
  function byPosition(a, b) {
    return a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
  }
  function overlaps(a, b) { return a.start < b.end && b.start < a.end; }

  /* The editor on the page now: after htmx swapped in the next record (whether or not its
     afterSwap event has run yet), keys and clicks act on the new one, never on the old. */
  function fresh() {
    var root = document.getElementById("span-editor");
    if (!state || state.root !== root) { init(); }
    return state;
  }

  function init() {
    var root = document.getElementById("span-editor");
    busy = false;
    dragging = false;
    if (!root) { state = null; return; }
    var text = document.getElementById("record-text");
    var pieces = all(text, ".tok, .gap");
    pieces.forEach(function (piece) {
      piece.s = Number(piece.dataset.s);
      piece.e = Number(piece.dataset.e);
    });
    var spans = JSON.parse(text.dataset.spans || "[]");
    var answered = {};
    spans.forEach(function (span) { answered[key(span)] = true; });
    var grouped = {};
    var pending = [];
    JSON.parse(text.dataset.suggestions || "[]").forEach(function (s) {
      var k = key(s);
      if (answered[k]) { return; }  // already one of the annotator's spans
      if (!grouped[k]) {
        grouped[k] = {start: s.start, end: s.end, label: s.label, sources: []};
        pending.push(grouped[k]);
      }
      // a model's suggestion shows its score ("model 0.87"); rules and the LLM give none
      grouped[k].sources.push(s.score == null ? s.source : s.source + " " + s.score.toFixed(2));
    });
    state = {
      root: root, text: text, pieces: pieces,
      tokens: pieces.filter(function (p) { return p.classList.contains("tok"); }),
      labels: all(root, ".span-label").map(function (b) { return b.dataset.label; }),
      overlapping: root.dataset.overlapping === "true",
      spans: spans.sort(byPosition), pending: pending, cursor: 0, anchor: 0
    };
    draw();
  }

  function labelIndex(label) { return Math.max(0, state.labels.indexOf(label)) % 10; }

  function textOf(span) {
    var out = "";
    state.pieces.forEach(function (p) {
      if (p.e <= span.start || p.s >= span.end) { return; }
      out += p.textContent.slice(Math.max(0, span.start - p.s), Math.min(p.e, span.end) - p.s);
    });
    return out;
  }

  function selection() {
    var lo = Math.min(state.cursor, state.anchor), hi = Math.max(state.cursor, state.anchor);
    if (!state.tokens.length) { return null; }
    return {start: state.tokens[lo].s, end: state.tokens[hi].e};
  }

  /* Lanes: a span keeps one lane over all its tokens; longer spans take lower lanes, so a
     nested span is drawn inside (above) its parent's band and both stay visible. */
  function lanes(spans) {
    var order = spans.slice().sort(function (a, b) {
      return a.start - b.start || (b.end - b.start) - (a.end - a.start);
    });
    var placed = [];
    order.forEach(function (span) {
      var lane = 0;
      while (placed.some(function (p) { return p.lane === lane && overlaps(p.span, span); })) { lane += 1; }
      placed.push({span: span, lane: lane});
    });
    return placed;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    el.className = className;
    if (text !== undefined) { el.textContent = text; }
    return el;
  }

  function covering(span) {
    return state.pieces.filter(function (p) { return p.s < span.end && span.start < p.e; });
  }

  function draw() {
    all(state.text, ".band, .span-tag, .suggest-tag").forEach(function (el) { el.remove(); });
    state.pieces.forEach(function (p) {
      p.classList.remove("cursor", "selected", "in-span", "suggested");
    });
    var placed = lanes(state.spans);
    var most = 0;
    placed.forEach(function (item) {
      var span = item.span, lab = "lab-" + labelIndex(span.label);
      var under = covering(span);
      most = Math.max(most, item.lane + 1);
      under.forEach(function (p) {
        p.classList.add("in-span");
        var band = element("span", "band lane-" + Math.min(item.lane, 5) + " " + lab);
        band.setAttribute("aria-hidden", "true");
        p.appendChild(band);
      });
      if (under.length) {
        var tag = element("span", "span-tag " + lab, span.label);
        tag.dataset.span = key(span);
        under[under.length - 1].after(tag);
      }
    });
    state.pending.forEach(function (s) {
      var under = covering(s);
      under.forEach(function (p) { p.classList.add("suggested"); });
      if (under.length) {
        var tag = element("span", "suggest-tag", s.label + "? " + s.sources.join(" + "));
        tag.dataset.suggestion = key(s);
        under[under.length - 1].after(tag);
      }
    });
    state.text.classList.remove("lanes-1", "lanes-2", "lanes-3", "lanes-4");
    if (most) { state.text.classList.add("lanes-" + Math.min(most, 4)); }
    var chosen = selection();
    if (chosen) {
      state.pieces.forEach(function (p) {
        if (p.s >= chosen.start && p.e <= chosen.end) { p.classList.add("selected"); }
      });
      state.tokens[state.cursor].classList.add("cursor");
    }
    list();
  }

  function list() {
    var spans = document.getElementById("span-list");
    spans.replaceChildren();
    state.spans.forEach(function (span) {
      var li = element("li", "span-item");
      li.dataset.span = key(span);
      li.append(element("span", "label lab-" + labelIndex(span.label), span.label), " ",
                element("span", "span-text-of", textOf(span)), " ");
      var remove = element("button", "remove", "Remove");
      remove.type = "button";
      li.append(remove);
      spans.append(li);
    });
    if (!state.spans.length) { spans.append(element("li", "muted", "No spans: Enter answers “nothing to mark”.")); }
    var box = document.getElementById("suggestions");
    var items = document.getElementById("suggestion-list");
    items.replaceChildren();
    state.pending.forEach(function (s) {
      var li = element("li", "suggestion-item");
      li.dataset.suggestion = key(s);
      li.append(element("span", "label", s.label), " ", element("span", "span-text-of", textOf(s)),
                " ", element("span", "source muted", s.sources.join(" + ")), " ");
      var accept = element("button", "accept", "Accept");
      var reject = element("button", "reject", "Reject");
      accept.type = reject.type = "button";
      li.append(accept, " ", reject);
      items.append(li);
    });
    box.hidden = !state.pending.length;
  }

  function addSpan(span) {
    if (state.spans.some(function (s) { return key(s) === key(span); })) { return; }
    if (!state.overlapping) {  // one span per token: the new span replaces what it overlaps
      state.spans = state.spans.filter(function (s) { return !overlaps(s, span); });
    }
    state.spans.push({start: span.start, end: span.end, label: span.label});
    state.spans.sort(byPosition);
  }

  function move(step, extend) {
    if (!state.tokens.length) { return; }
    state.cursor = Math.max(0, Math.min(state.tokens.length - 1, state.cursor + step));
    if (!extend) { state.anchor = state.cursor; }
    state.tokens[state.cursor].scrollIntoView({block: "nearest"});
  }

  function label(n) {
    var name = state.labels[n - 1], chosen = selection();
    if (!name || !chosen) { return; }
    addSpan({start: chosen.start, end: chosen.end, label: name});
    state.anchor = state.cursor;
  }

  function atCursor(spans) {
    if (!state.tokens.length) { return []; }
    var token = state.tokens[state.cursor];
    return spans.filter(function (s) { return s.start < token.e && token.s < s.end; });
  }

  function removeAtCursor() {
    var under = atCursor(state.spans).sort(function (a, b) { return (a.end - a.start) - (b.end - b.start); });
    if (under.length) { removeSpan(key(under[0])); }  // the innermost first
  }

  function removeSpan(k) { state.spans = state.spans.filter(function (s) { return key(s) !== k; }); }

  function decide(k, accept) {
    state.pending = state.pending.filter(function (s) {
      if (key(s) !== k) { return true; }
      if (accept) { addSpan(s); }
      return false;
    });
  }

  function decideAtCursor(accept) {
    var under = atCursor(state.pending);
    if (under.length) { decide(key(under[0]), accept); }
  }

  function acceptAll() {
    state.pending.forEach(function (s) { addSpan(s); });
    state.pending = [];
  }

  function submit() {
    var form = document.getElementById("span-answer");
    if (!form || busy) { return; }
    form.requestSubmit();
  }

  /* The answer carries what the annotator ends with, whichever way the form is sent. */
  document.addEventListener("submit", function (event) {
    if (!fresh() || event.target.id !== "span-answer") { return; }
    event.target.elements.spans.value = JSON.stringify(state.spans.map(function (s) {
      return {start: s.start, end: s.end, label: s.label};
    }));
    busy = true;
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || !fresh()) { return; }
    var target = event.target;
    if (target.closest && target.closest("#comment-form")) { return; }
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
    var k = event.key;
    if (busy && k !== "u" && k !== "s" && k !== "c") { event.preventDefault(); return; }
    if (k === "ArrowLeft" || k === "ArrowRight") {
      move(k === "ArrowLeft" ? -1 : 1, event.shiftKey);
    } else if (/^[1-9]$/.test(k)) {
      label(Number(k));
    } else if (k === "Backspace") {
      removeAtCursor();
    } else if (k === "Enter") {
      event.preventDefault();
      submit();
      return;
    } else if (k === "a") {
      decideAtCursor(true);
    } else if (k === "A") {
      acceptAll();
    } else if (k === "x" || k === "X") {
      decideAtCursor(false);
    } else {
      return;  // S, U, C and the rest: app.js
    }
    event.preventDefault();
    draw();
  }, true);

  function tokenIndex(node) {
    var tok = node && node.closest ? node.closest("#record-text .tok") : null;
    return tok ? state.tokens.indexOf(tok) : -1;
  }

  document.addEventListener("mousedown", function (event) {
    if (event.button !== 0 || !fresh()) { return; }
    var index = tokenIndex(event.target);
    if (index < 0) { return; }
    event.preventDefault();  // no native selection: the editor's snaps to tokens
    dragging = true;
    state.anchor = state.cursor = index;
    draw();
  });
  document.addEventListener("mouseover", function (event) {
    if (!state || !dragging) { return; }
    var index = tokenIndex(event.target);
    if (index >= 0 && index !== state.cursor) {
      state.cursor = index;
      draw();
    }
  });
  document.addEventListener("mouseup", function () { dragging = false; });

  document.addEventListener("click", function (event) {
    if (!fresh()) { return; }
    var target = event.target;
    var button = target.closest("button");
    if (!button || !state.root.contains(button)) { return; }
    var item = button.closest("li");
    if (button.classList.contains("span-label")) {
      label(state.labels.indexOf(button.dataset.label) + 1);
    } else if (button.classList.contains("remove") && item) {
      removeSpan(item.dataset.span);
    } else if ((button.classList.contains("accept") || button.classList.contains("reject")) && item) {
      decide(item.dataset.suggestion, button.classList.contains("accept"));
    } else if (button.classList.contains("accept-all")) {
      acceptAll();
    } else {
      return;
    }
    button.blur();  // keys go back to the editor, and Enter never re-clicks the button
    draw();
  });

  document.addEventListener("htmx:afterSwap", fresh);
  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.successful) { busy = false; }
  });
  init();
}());
