// Marking a reply helpful without reloading the page. Without this script the same forms post
// and redirect back to the reply, so nothing depends on it.
"use strict";

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.classList.contains("helpful-form")) {
    return;
  }
  event.preventDefault();
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const response = await fetch(form.action, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Accept": "application/json",
        "X-CSRFToken": form.elements.csrf_token.value,
      },
    });
    if (!response.ok) {
      form.submit();  // let the server's page explain the refusal
      return;
    }
    const result = await response.json();
    button.setAttribute("aria-pressed", String(result.helpful));
    form.querySelector(".helpful-count").textContent = result.count;
  } finally {
    button.disabled = false;
  }
});
