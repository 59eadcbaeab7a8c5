// A person's timeline drawn with vis-timeline from the page's data-items;
// the same events are listed beneath it as text.
(() => {
  "use strict";
  const el = document.getElementById("timeline-chart");
  if (!el || typeof vis === "undefined" || !vis.Timeline) return;
  const raw = JSON.parse(el.dataset.items || "[]");
  const groups = [...new Set(raw.map((i) => i.group))].map((g) => ({ id: g, content: g }));
  const items = raw.map((i, k) => ({ id: k, start: i.start, content: i.content, group: i.group, type: "point" }));
  new vis.Timeline(el, new vis.DataSet(items), new vis.DataSet(groups), { stack: true, zoomable: true, height: "16rem" });
  el.dataset.ready = "true";
})();
