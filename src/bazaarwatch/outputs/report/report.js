/* bazaarwatch report: sortable and filterable tables, and the interactive link graph.
   Written for this page, no library. Every string from the case is set with textContent,
   never as markup; data comes from <script type="application/json"> via JSON.parse. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";

  function value(cell) {
    var v = cell.getAttribute("data-v");
    return v === null ? cell.textContent.trim().toLowerCase() : v;
  }

  var NUMBER = /^-?\d+(\.\d+)?$/;

  function compare(a, b) {
    if (NUMBER.test(a) && NUMBER.test(b)) { return parseFloat(a) - parseFloat(b); }
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortBy(table, th, index) {
    var body = table.tBodies[0];
    var down = th.getAttribute("aria-sort") === "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r, s) {
      var d = compare(value(r.cells[index]), value(s.cells[index]));
      return down ? -d : d;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    rows.forEach(function (r) { body.appendChild(r); });
  }

  document.querySelectorAll("table.sortable").forEach(function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.tabIndex = 0;
      th.title = "Sort by this column";
      th.addEventListener("click", function () { sortBy(table, th, index); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, th, index); }
      });
    });
  });

  document.querySelectorAll("input.filter").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table"));
    var count = document.getElementById(input.getAttribute("data-table") + "-count");
    if (!table) { return; }
    input.addEventListener("input", function () {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var text = row.textContent.toLowerCase();
        var keep = words.every(function (w) { return text.indexOf(w) >= 0; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      if (count) { count.textContent = shown + " of " + table.tBodies[0].rows.length + " rows"; }
    });
  });

  // The link graph. A force layout (Fruchterman-Reingold) whose repulsion only reaches
  // neighbours within two edge lengths, found through a grid: about linear time, so 1,000
  // nodes lay out in a fraction of a second. Positions are in "world" units; the view
  // (scale s, offset tx/ty) maps them to the SVG's pixels, and every drawing is in pixels,
  // so nodes and labels keep their size at any zoom.
  var EDGE = 24, STEPS = 260;

  function layout(n, edges) {
    var x = new Float64Array(n), y = new Float64Array(n), dx = new Float64Array(n), dy = new Float64Array(n);
    var i, j;
    for (i = 0; i < n; i++) {  // a spiral: deterministic, no two nodes on one spot
      var a = i * 2.399963, r = EDGE * 0.8 * Math.sqrt(i + 1);
      x[i] = r * Math.cos(a); y[i] = r * Math.sin(a);
    }
    var reach = 2 * EDGE, reach2 = reach * reach, k2 = EDGE * EDGE, t = EDGE * 3;
    var next = new Int32Array(n), head = new Int32Array(1 << 16), cellOf = new Int32Array(n);
    for (var step = 0; step < STEPS; step++) {
      dx.fill(0); dy.fill(0);
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
      for (i = 0; i < n; i++) {
        minX = Math.min(minX, x[i]); maxX = Math.max(maxX, x[i]);
        minY = Math.min(minY, y[i]); maxY = Math.max(maxY, y[i]);
      }
      var size = Math.max(reach, (maxX - minX) / 250, (maxY - minY) / 250);
      var cols = Math.floor((maxX - minX) / size) + 1, rows = Math.floor((maxY - minY) / size) + 1;
      head.fill(-1, 0, cols * rows);
      for (i = 0; i < n; i++) {
        var c = Math.floor((y[i] - minY) / size) * cols + Math.floor((x[i] - minX) / size);
        cellOf[i] = c; next[i] = head[c]; head[c] = i;
      }
      for (i = 0; i < n; i++) {
        var cx = cellOf[i] % cols, cy = (cellOf[i] - cx) / cols;
        for (var gy = Math.max(cy - 1, 0); gy <= Math.min(cy + 1, rows - 1); gy++) {
          for (var gx = Math.max(cx - 1, 0); gx <= Math.min(cx + 1, cols - 1); gx++) {
            for (j = head[gy * cols + gx]; j >= 0; j = next[j]) {
              if (j <= i) { continue; }
              var ex = x[i] - x[j], ey = y[i] - y[j], d2 = ex * ex + ey * ey + 0.01;
              if (d2 > reach2) { continue; }
              var f = k2 / d2;
              dx[i] += ex * f; dy[i] += ey * f; dx[j] -= ex * f; dy[j] -= ey * f;
            }
          }
        }
      }
      for (j = 0; j < edges.length; j++) {
        var s = edges[j][0], u = edges[j][1], fx = x[s] - x[u], fy = y[s] - y[u];
        var g = Math.sqrt(fx * fx + fy * fy) / EDGE;
        dx[s] -= fx * g; dy[s] -= fy * g; dx[u] += fx * g; dy[u] += fy * g;
      }
      for (i = 0; i < n; i++) {
        dx[i] -= x[i] * 0.015; dy[i] -= y[i] * 0.045;  // gravity, stronger upright: a wide view
        var m = Math.sqrt(dx[i] * dx[i] + dy[i] * dy[i]) + 0.01, k = Math.min(m, t) / m;
        x[i] += dx[i] * k; y[i] += dy[i] * k;
      }
      t = Math.max(t * 0.985, 0.5);
    }
    return { x: x, y: y };
  }

  function element(name, attrs) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { el.setAttribute(key, String(attrs[key])); });
    return el;
  }

  function radius(node) { return Math.min(3 + Math.sqrt(node[3]) * 1.6, 14); }

  function Graph(svg, graph) {
    var self = this;
    this.svg = svg; this.nodes = graph.nodes; this.edges = graph.edges;
    this.box = svg.parentNode; this.tip = this.box.querySelector(".graph-tip");
    var pos = layout(this.nodes.length, this.edges);
    this.x = pos.x; this.y = pos.y;
    this.around = this.nodes.map(function () { return []; });
    this.edges.forEach(function (e, i) { self.around[e[0]].push(i); self.around[e[1]].push(i); });
    this.draw();
    this.measure();
    this.fit();
    this.listen();
    svg.setAttribute("data-ready", "1");
  }

  Graph.prototype.draw = function () {
    var self = this, svg = this.svg;
    var edgeLayer = element("g", {}), nodeLayer = element("g", {}), labelLayer = element("g", {});
    this.lines = this.edges.map(function (e) {
      var line = element("line", {});
      var title = element("title", {});
      title.textContent = e[2];
      line.appendChild(title);
      edgeLayer.appendChild(line);
      return line;
    });
    this.circles = this.nodes.map(function (node, i) {
      var circle = element("circle", { r: radius(node).toFixed(1), "class": "k-" + node[1], "data-i": i });
      if (node[2]) {  // a chat: reachable by keyboard, opens its section
        circle.setAttribute("tabindex", "0");
        circle.setAttribute("role", "link");
      }
      circle.setAttribute("aria-label", node[0] + " (" + node[1] + ")");
      nodeLayer.appendChild(circle);
      return circle;
    });
    // Chats and vendors are named whatever their size; other nodes only the biggest.
    var big = this.nodes.map(function (n) { return n[3]; }).sort(function (a, b) { return b - a; });
    var least = big[Math.min(25, big.length) - 1];
    this.named = this.nodes.map(function (_, i) { return i; }).filter(function (i) {
      var n = self.nodes[i];
      return n[1] === "chat" || n[1] === "vendor" || n[3] >= least;
    }).sort(function (a, b) { return self.nodes[b][3] - self.nodes[a][3]; });
    this.labels = {};
    this.named.forEach(function (i) {
      var label = element("text", {});
      label.textContent = self.nodes[i][0];
      labelLayer.appendChild(label);
      self.labels[i] = label;
    });
    svg.appendChild(edgeLayer); svg.appendChild(nodeLayer); svg.appendChild(labelLayer);
  };

  // The SVG's size in pixels, and the pixel width of each label (measured once).
  Graph.prototype.measure = function () {
    var self = this, rect = this.svg.getBoundingClientRect();
    this.width = Math.max(rect.width, 100); this.height = Math.max(rect.height, 100);
    this.svg.setAttribute("viewBox", "0 0 " + this.width.toFixed(0) + " " + this.height.toFixed(0));
    if (!this.widths) {
      this.widths = {};
      this.named.forEach(function (i) { self.widths[i] = self.labels[i].getComputedTextLength(); });
    }
  };

  Graph.prototype.fit = function () {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, margin = 24;
    for (var i = 0; i < this.nodes.length; i++) {
      minX = Math.min(minX, this.x[i]); maxX = Math.max(maxX, this.x[i]);
      minY = Math.min(minY, this.y[i]); maxY = Math.max(maxY, this.y[i]);
    }
    this.s = Math.min((this.width - 2 * margin) / Math.max(maxX - minX, 1),
                      (this.height - 2 * margin) / Math.max(maxY - minY, 1), 4);
    this.tx = this.width / 2 - this.s * (minX + maxX) / 2;
    this.ty = this.height / 2 - this.s * (minY + maxY) / 2;
    this.render();
  };

  // Zoom by ``factor`` around the pixel (px, py), within 1/5 and 40 times the fitted size.
  Graph.prototype.zoom = function (factor, px, py) {
    var s = Math.min(Math.max(this.s * factor, 0.05), 60);
    factor = s / this.s;
    this.tx = px - (px - this.tx) * factor; this.ty = py - (py - this.ty) * factor;
    this.s = s;
    this.later();
  };

  Graph.prototype.later = function () {
    var self = this;
    if (this.pending) { return; }
    this.pending = true;
    requestAnimationFrame(function () { self.pending = false; self.render(); });
  };

  Graph.prototype.render = function () {
    var s = this.s, tx = this.tx, ty = this.ty, x = this.x, y = this.y, i;
    for (i = 0; i < this.circles.length; i++) {
      this.circles[i].setAttribute("cx", (x[i] * s + tx).toFixed(1));
      this.circles[i].setAttribute("cy", (y[i] * s + ty).toFixed(1));
    }
    for (i = 0; i < this.lines.length; i++) {
      var e = this.edges[i], line = this.lines[i];
      line.setAttribute("x1", (x[e[0]] * s + tx).toFixed(1)); line.setAttribute("y1", (y[e[0]] * s + ty).toFixed(1));
      line.setAttribute("x2", (x[e[1]] * s + tx).toFixed(1)); line.setAttribute("y2", (y[e[1]] * s + ty).toFixed(1));
    }
    this.place();
  };

  // Labels, biggest node first: right of the node, or left where that would leave the
  // view; a label that would overlap one already placed (or lies outside) is hidden.
  Graph.prototype.place = function () {
    var placed = [], width = this.width, height = this.height;
    for (var k = 0; k < this.named.length; k++) {
      var i = this.named[k], label = this.labels[i], w = this.widths[i];
      var px = this.x[i] * this.s + this.tx, py = this.y[i] * this.s + this.ty;
      var r = radius(this.nodes[i]) + 2, left = px + r, anchor = "start";
      if (left + w > width - 2) { left = px - r - w; anchor = "end"; }
      var box = [left, py - 7, left + w, py + 6];
      var show = placed.length < 80 && left >= 2 && py > 8 && py < height - 4 &&
        !placed.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; });
      if (show) {
        placed.push(box);
        label.setAttribute("x", (anchor === "end" ? px - r : left).toFixed(1));
        label.setAttribute("y", (py + 3.5).toFixed(1));
        label.setAttribute("text-anchor", anchor);
      }
      label.style.display = show ? "" : "none";
    }
  };

  // Pointer position in the SVG's pixels.
  Graph.prototype.point = function (event) {
    var rect = this.svg.getBoundingClientRect();
    return { x: (event.clientX - rect.left) * this.width / rect.width,
             y: (event.clientY - rect.top) * this.height / rect.height };
  };

  Graph.prototype.show = function (i) {
    var near = {}, edges = this.edges, tip = this.tip;
    if (i >= 0) {
      near[i] = true;
      this.around[i].forEach(function (e) { near[edges[e][0]] = true; near[edges[e][1]] = true; });
    }
    this.circles.forEach(function (c, j) { c.classList.toggle("dim", i >= 0 && !near[j]); });
    this.lines.forEach(function (l, j) { l.classList.toggle("dim", i >= 0 && edges[j][0] !== i && edges[j][1] !== i); });
    if (!tip) { return; }
    if (i < 0) { tip.hidden = true; return; }
    var node = this.nodes[i];
    tip.textContent = "";
    var name = document.createElement("b");
    name.textContent = node[0];
    tip.appendChild(name);
    tip.appendChild(document.createTextNode(" " + node[1] + " · " + node[3] + " link" + (node[3] === 1 ? "" : "s") +
                                            (node[2] ? " · click to open its section" : "")));
    tip.hidden = false;  // shown before it is placed: its size decides which side it goes
    var rect = this.svg.getBoundingClientRect(), scale = rect.width / this.width;
    var above = rect.top - this.box.getBoundingClientRect().top;  // the tool bar's height
    var px = (this.x[i] * this.s + this.tx) * scale, py = (this.y[i] * this.s + this.ty) * scale;
    var left = px + 12 + tip.offsetWidth > this.width * scale ? px - 12 - tip.offsetWidth : px + 12;
    var top = py + 10 + tip.offsetHeight > this.height * scale ? py - 10 - tip.offsetHeight : py + 10;
    tip.style.left = Math.max(left, 0).toFixed(0) + "px";
    tip.style.top = (top + above).toFixed(0) + "px";
  };

  Graph.prototype.listen = function () {
    var self = this, svg = this.svg, drag = null;
    function nodeOf(target) {
      var i = target && target.getAttribute ? target.getAttribute("data-i") : null;
      return i === null ? -1 : parseInt(i, 10);
    }
    function open(i) { if (i >= 0 && self.nodes[i][2]) { location.hash = self.nodes[i][2]; } }
    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var p = self.point(event);
      self.zoom(Math.exp(-event.deltaY * 0.0015), p.x, p.y);
    }, { passive: false });
    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0) { return; }
      var p = self.point(event);
      drag = { node: nodeOf(event.target), x: p.x, y: p.y, moved: false, id: event.pointerId };
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("dragging");
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) {
        var i = nodeOf(event.target);
        if (i !== self.hovered) { self.hovered = i; self.show(i); }
        return;
      }
      var p = self.point(event);
      if (Math.abs(p.x - drag.x) + Math.abs(p.y - drag.y) > 3) { drag.moved = true; }
      if (!drag.moved) { return; }
      if (drag.node >= 0) {
        self.x[drag.node] = (p.x - self.tx) / self.s; self.y[drag.node] = (p.y - self.ty) / self.s;
        self.show(drag.node);
      } else {
        self.tx += p.x - drag.x; self.ty += p.y - drag.y;
        drag.x = p.x; drag.y = p.y;
      }
      self.later();
    });
    function end(event) {
      if (!drag) { return; }
      var was = drag;
      drag = null;
      svg.classList.remove("dragging");
      if (svg.hasPointerCapture(event.pointerId)) { svg.releasePointerCapture(event.pointerId); }
      if (!was.moved && event.type === "pointerup") { open(was.node); }
    }
    svg.addEventListener("pointerup", end);
    svg.addEventListener("pointercancel", end);
    svg.addEventListener("pointerleave", function () { if (!drag) { self.hovered = -1; self.show(-1); } });
    svg.addEventListener("focusin", function (event) { self.show(nodeOf(event.target)); });
    svg.addEventListener("focusout", function () { self.show(-1); });
    svg.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { open(nodeOf(event.target)); }
    });
    this.box.querySelectorAll("button[data-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var how = button.getAttribute("data-zoom");
        if (how === "fit") { self.fit(); return; }
        self.zoom(how === "in" ? 1.5 : 1 / 1.5, self.width / 2, self.height / 2);
      });
    });
    window.addEventListener("resize", function () { self.measure(); self.later(); });
  };

  function drawGraph() {
    var source = document.getElementById("graph-data");
    var svg = document.getElementById("graph-view");
    if (!source || !svg) { return null; }
    var graph = JSON.parse(source.textContent);
    if (!graph || !graph.nodes.length) { return null; }
    return new Graph(svg, graph);
  }

  document.documentElement.classList.add("js");
  drawGraph();
})();
