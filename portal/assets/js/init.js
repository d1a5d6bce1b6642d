// Starts GOV.UK Frontend's components. Loaded as a module, so older browsers skip it and the
// page works without it.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import "./quick-exit.js";

initAll();
import "./print.js";
