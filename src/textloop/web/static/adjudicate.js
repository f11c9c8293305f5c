/* The span adjudication page's editor. Each disputed record's article carries its exact text
   (data-text, JSON) and each annotator's spans (data-spans, JSON) in UTF-16 offsets, which
   is what JavaScript strings and DOM selections count; the server converts them (one place,
   web/span_offsets.py). Text is only ever inserted with textContent, never as markup. */
(function () {
  "use strict";
  var status = document.getElementById("status");

  function say(message) {
    status.textContent = message;
    status.hidden = !message;
  }

  function setUp(article) {
    var text = JSON.parse(article.dataset.text);
    var view = article.querySelector(".decision-text");
    var list = article.querySelector("ol.draft");
    var field = article.querySelector("input[name=spans]");
    var draft = [];

    function byOffset(a, b) {
      return a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);
    }

    function render() {
      draft.sort(byOffset);
      field.value = JSON.stringify(draft);
      var cuts = [0, text.length];
      draft.forEach(function (s) { cuts.push(s.start, s.end); });
      cuts = cuts.filter(function (c, i) { return cuts.indexOf(c) === i; }).sort(function (a, b) { return a - b; });
      view.textContent = "";
      for (var i = 0; i + 1 < cuts.length; i++) {
        var start = cuts[i], end = cuts[i + 1];
        var over = draft.filter(function (s) { return s.start <= start && end <= s.end; });
        var piece = document.createTextNode(text.slice(start, end));
        if (over.length) {
          var mark = document.createElement("mark");
          mark.className = "span";
          mark.dataset.depth = String(Math.min(over.length, 3));
          mark.title = over.map(function (s) { return s.label; }).join(", ");
          mark.appendChild(piece);
          view.appendChild(mark);
        } else {
          view.appendChild(piece);
        }
        draft.forEach(function (s) {
          if (s.end === end) {
            var tag = document.createElement("span");
            tag.className = "span-tag";
            tag.textContent = s.label;
            tag.dataset.tag = "1";
            view.appendChild(tag);
          }
        });
      }
      list.textContent = "";
      draft.forEach(function (s, index) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        label.className = "label";
        label.textContent = s.label;
        item.appendChild(label);
        item.appendChild(document.createTextNode(" “" + text.slice(s.start, s.end) + "”"));
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "remove";
        remove.textContent = "Remove";
        remove.addEventListener("click", function () { draft.splice(index, 1); render(); });
        item.appendChild(remove);
        list.appendChild(item);
      });
    }

    /* Offset of a DOM position inside the editor's text, in UTF-16 units; label tags are
       not text of the record and are skipped. */
    function offsetOf(node, offset) {
      var total = 0;
      var walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
      for (var current = walker.nextNode(); current; current = walker.nextNode()) {
        if (current.parentNode.dataset && current.parentNode.dataset.tag) { continue; }
        if (current === node) { return total + offset; }
        total += current.data.length;
      }
      if (node === view) {  // a position between children: count the text before it
        var before = document.createRange();
        before.selectNodeContents(view);
        before.setEnd(node, offset);
        return before.toString().length;
      }
      return null;
    }

    function selected() {
      var selection = window.getSelection();
      if (!selection.rangeCount || selection.isCollapsed) { return null; }
      var range = selection.getRangeAt(0);
      if (!view.contains(range.startContainer) || !view.contains(range.endContainer)) { return null; }
      var start = offsetOf(range.startContainer, range.startOffset);
      var end = offsetOf(range.endContainer, range.endOffset);
      if (start === null || end === null || start === end) { return null; }
      return {start: Math.min(start, end), end: Math.max(start, end)};
    }

    article.querySelectorAll("button.mark").forEach(function (button) {
      button.addEventListener("mousedown", function (event) { event.preventDefault(); });
      button.addEventListener("click", function () {
        var found = selected();
        if (!found) { say("Select some text in the Edit box first, then pick its label."); return; }
        say("");
        draft.push({start: found.start, end: found.end, label: button.dataset.mark});
        window.getSelection().removeAllRanges();
        render();
      });
    });
    article.querySelectorAll("section.version").forEach(function (version) {
      version.querySelector("button.edit-from").addEventListener("click", function () {
        draft = JSON.parse(version.dataset.spans).map(function (s) {
          return {start: s.start, end: s.end, label: s.label};
        });
        render();
      });
    });
    render();
  }

  document.querySelectorAll("article.span-dispute").forEach(setUp);
}());
