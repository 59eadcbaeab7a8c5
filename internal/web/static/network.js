// The network view: draws /api/network (the page's data-src) with
// cytoscape. Nodes are coloured by role or kind and bordered by force;
// clicking a person or a case opens it. The page lists the same nodes and
// links as tables, for a screen reader or the keyboard.
(() => {
  "use strict";
  const el = document.getElementById("graph");
  if (!el || typeof cytoscape !== "function") return;

  const forcePalette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
  const forceColour = new Map();
  const colourOf = (force) => {
    if (!force) return "#444";
    if (!forceColour.has(force)) forceColour.set(force, forcePalette[forceColour.size % forcePalette.length]);
    return forceColour.get(force);
  };
  const fill = (n) => {
    if (n.kind === "person") {
      if (n.roles.includes("suspect")) return "#b3261e";
      if (n.roles.includes("victim")) return "#6a3d9a";
      return "#5f6b7a";
    }
    return { case: "#d9d9d9", phone: "#33a02c", vehicle: "#ff7f00", place: "#1f78b4" }[n.kind] || "#999";
  };

  fetch(el.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => {
      if (!r.ok) throw new Error(`the network could not be read (${r.status})`);
      return r.json();
    })
    .then((data) => {
      const elements = [];
      for (const n of data.nodes) {
        elements.push({ data: { id: n.id, label: n.label, href: n.href || "", kind: n.kind, fill: fill(n), border: colourOf(n.forces[0]) } });
      }
      for (const l of data.links) {
        elements.push({ data: { id: `${l.source}-${l.target}-${l.type}`, source: l.source, target: l.target, type: l.type } });
      }
      const cy = cytoscape({
        container: el,
        elements,
        layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 },
        style: [
          { selector: "node", style: { "background-color": "data(fill)", "border-color": "data(border)", "border-width": 3, label: "data(label)", "font-size": 9, "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18 } },
          { selector: 'node[kind = "case"]', style: { shape: "round-rectangle" } },
          { selector: 'node[kind = "phone"], node[kind = "vehicle"], node[kind = "place"]', style: { shape: "diamond", width: 14, height: 14 } },
          { selector: "edge", style: { width: 1.5, "line-color": "#9aa3ad", "curve-style": "bezier" } },
          { selector: 'edge[type = "co_suspect"]', style: { "line-color": "#b3261e", width: 2.5 } },
          { selector: 'edge[type = "suspect_victim"]', style: { "line-color": "#6a3d9a", width: 2 } },
        ],
      });
      cy.on("tap", "node", (e) => {
        const href = e.target.data("href");
        if (href) window.location.assign(href);
      });
      el.dataset.nodes = String(cy.nodes().length);
      el.dataset.links = String(cy.edges().length);
      el.dataset.ready = "true";
    })
    .catch((err) => {
      const p = document.createElement("p");
      p.className = "problem";
      p.textContent = err.message;
      el.replaceWith(p);
    });
})();
