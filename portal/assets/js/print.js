// "Print" buttons (shortlists, service pages): hidden until this script shows them, since printing
// from a button needs JavaScript. The print stylesheet decides what goes on paper.
for (const button of document.querySelectorAll("[data-portal-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
