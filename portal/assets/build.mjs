// Builds the portal's front-end assets into portal/static/ (generated, not committed):
// compiled CSS from portal/assets/scss, GOV.UK Frontend's JavaScript, images and manifest, and
// Leaflet and Leaflet.markercluster (for the directory's maps, served from this site: no CDN)
// copied from node_modules.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "portal", "static");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");
const leaflet = join(root, "node_modules", "leaflet", "dist");
const markercluster = join(root, "node_modules", "leaflet.markercluster", "dist");
const vendor = join(out, "vendor");

rmSync(join(out, "govuk"), { recursive: true, force: true });
rmSync(vendor, { recursive: true, force: true });
mkdirSync(join(out, "css"), { recursive: true });
mkdirSync(join(out, "js"), { recursive: true });

const result = sass.compile(join(root, "portal", "assets", "scss", "app.scss"), {
  loadPaths: [join(root, "node_modules")],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "css", "app.css"), result.css);

cpSync(join(govuk, "govuk-frontend.min.js"), join(out, "govuk", "govuk-frontend.min.js"));
cpSync(join(govuk, "assets", "images"), join(out, "govuk", "images"), { recursive: true });
cpSync(join(root, "portal", "assets", "js"), join(out, "js"), { recursive: true });

// Maps: Leaflet (leaflet.css finds its marker and layer images in images/, next to it) and
// Leaflet.markercluster.
mkdirSync(join(vendor, "leaflet"), { recursive: true });
mkdirSync(join(vendor, "markercluster"), { recursive: true });
for (const file of ["leaflet.js", "leaflet.css"]) {
  cpSync(join(leaflet, file), join(vendor, "leaflet", file));
}
cpSync(join(leaflet, "images"), join(vendor, "leaflet", "images"), { recursive: true });
for (const file of ["leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"]) {
  cpSync(join(markercluster, file), join(vendor, "markercluster", file));
}
console.log(`assets built into ${out}`);
