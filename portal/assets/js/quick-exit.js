// "Leave this site quickly" (GOV.UK Frontend's Exit this page): leave by replacing this page in the
// browser's history, so Back does not return to it. The button's click and the Shift-three-times
// shortcut both call exitPage; this keeps the component's overlay and changes only how it leaves.
// Without JavaScript the button is a plain link to the same address.
import { ExitThisPage } from "/static/govuk/govuk-frontend.min.js";

ExitThisPage.prototype.exitPage = function exitReplacingThisPage() {
  document.body.classList.add("govuk-exit-this-page-hide-content");
  const overlay = document.createElement("div");
  overlay.className = "govuk-exit-this-page-overlay";
  overlay.setAttribute("role", "alert");
  overlay.textContent = this.i18n.t("activated");
  document.body.appendChild(overlay);
  window.location.replace(this.$button.href);
};
