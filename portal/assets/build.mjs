// Builds the portal's front-end assets into portal/static/ (generated, not committed):
// compiled CSS from portal/assets/scss, and GOV.UK Frontend's JavaScript, images and manifest
// copied from node_modules.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const out = join(root, "portal", "static");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(join(out, "govuk"), { recursive: true, force: true });
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
console.log(`assets built into ${out}`);
