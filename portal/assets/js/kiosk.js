// Kiosk mode (loaded only on kiosk pages): after the idle time, ask "Are you still there?"; with no
// answer, clear everything in the browser and on the server and show a fresh start screen. The server
// resets on its own too (on the next request after the idle time), so nothing depends on this script.
const settings = document.getElementById("kiosk-settings");

if (settings) {
  const idleMs = Number(settings.dataset.idleSeconds) * 1000;
  const promptMs = Number(settings.dataset.promptSeconds) * 1000;
  const pingEveryMs = Math.max(1000, Math.min(30000, idleMs / 2));
  const dialog = document.getElementById("kiosk-idle");
  let lastActivity = Date.now();
  let lastPing = Date.now();
  let promptShownAt = null;
  let resetting = false;

  const post = (url) => fetch(url, {
    method: "POST",
    credentials: "same-origin",
    redirect: "manual",
    headers: { "X-CSRFToken": settings.dataset.csrfToken },
  });

  const stillHere = () => {
    lastActivity = Date.now();
    lastPing = lastActivity;
    post(settings.dataset.stillHereUrl).catch(() => {});
  };

  const forgetInBrowser = () => {
    try { window.sessionStorage.clear(); } catch (error) { /* storage may be unavailable */ }
    try { window.localStorage.clear(); } catch (error) { /* storage may be unavailable */ }
    for (const form of document.forms) {
      form.reset();
      for (const field of form.querySelectorAll("input:not([type=hidden]), textarea")) {
        if (field.type === "checkbox" || field.type === "radio") field.checked = false;
        else field.value = "";
      }
    }
  };

  const reset = async () => {
    if (resetting) return;
    resetting = true;
    forgetInBrowser();
    try { await post(settings.dataset.resetUrl); } catch (error) { /* the server resets on the next request */ }
    // Replace this page in the history: Back cannot return to it. Older entries carry the last visit's
    // mark and the server answers them with the start screen.
    window.location.replace(settings.dataset.startUrl);
  };

  const showPrompt = () => {
    promptShownAt = Date.now();
    if (dialog && typeof dialog.showModal === "function") {
      dialog.showModal();
      dialog.querySelector("[data-kiosk-still-here]")?.focus();
    }
  };

  const closePrompt = () => {
    promptShownAt = null;
    if (dialog?.open) dialog.close();
    stillHere();
  };

  const activity = () => {
    if (promptShownAt !== null || resetting) return;
    lastActivity = Date.now();
    if (lastActivity - lastPing > pingEveryMs) stillHere();
  };

  for (const type of ["pointerdown", "keydown", "touchstart", "wheel", "scroll"]) {
    window.addEventListener(type, activity, { passive: true, capture: true });
  }
  dialog?.querySelector("[data-kiosk-still-here]")?.addEventListener("click", closePrompt);
  dialog?.querySelector("[data-kiosk-reset]")?.addEventListener("click", reset);
  dialog?.addEventListener("cancel", (event) => { event.preventDefault(); closePrompt(); });

  for (const form of document.querySelectorAll("[data-kiosk-reset-form]")) {
    form.addEventListener("submit", (event) => { event.preventDefault(); reset(); });
  }

  // No way off the site, even for links made by scripts (the server already removed the others).
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[href]") : null;
    if (link && new URL(link.href, window.location.href).origin !== window.location.origin) {
      event.preventDefault();
    }
  }, true);

  // A page brought back from the back-forward cache is asked for again, so the server decides.
  window.addEventListener("pageshow", (event) => { if (event.persisted) window.location.reload(); });

  window.setInterval(() => {
    const now = Date.now();
    if (promptShownAt !== null) {
      if (now - promptShownAt >= promptMs) reset();
    } else if (now - lastActivity >= idleMs) {
      showPrompt();
    }
  }, 250);
}
