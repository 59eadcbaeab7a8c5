// Copies the browser libraries caselink serves from node_modules into
// internal/web/static/vendor, where they are committed and embedded in the
// binary: `go run ./cmd/caselink demo` needs no Node.js. Run after
// changing a version in package.json: npm ci && npm run vendor.
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "internal", "web", "static", "vendor");
mkdirSync(out, { recursive: true });

// The peer build of vis-timeline takes moment and vis-data as globals and
// its styles as a file: the standalone build injects a style element,
// which the pages' Content-Security-Policy refuses.
const files = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["htmx.org/LICENSE", "htmx.LICENSE.txt"],
  ["cytoscape/dist/cytoscape.min.js", "cytoscape.min.js"],
  ["cytoscape/LICENSE", "cytoscape.LICENSE.txt"],
  ["moment/min/moment.min.js", "moment.min.js"],
  ["moment/LICENSE", "moment.LICENSE.txt"],
  ["vis-data/peer/umd/vis-data.min.js", "vis-data.min.js"],
  ["vis-data/LICENSE-MIT", "vis-data.LICENSE.txt"],
  ["vis-timeline/peer/umd/vis-timeline-graph2d.min.js", "vis-timeline-graph2d.min.js"],
  ["vis-timeline/styles/vis-timeline-graph2d.min.css", "vis-timeline-graph2d.min.css"],
  ["vis-timeline/LICENSE.MIT.txt", "vis-timeline.LICENSE.txt"],
];
for (const [from, to] of files) {
  copyFileSync(join(here, "node_modules", from), join(out, to));
}
const versions = files
  .map(([from]) => from.split("/")[0])
  .filter((v, i, all) => all.indexOf(v) === i)
  .map((pkg) => `${pkg} ${JSON.parse(readFileSync(join(here, "node_modules", pkg, "package.json"))).version}`);
console.log(`vendored into ${out}: ${versions.join(", ")}`);
