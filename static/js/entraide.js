// Marking a reply helpful, and voting for an idea, without reloading the page. Without this script
// the same forms post and redirect back to the reply or the idea, so nothing depends on it.
"use strict";

// The forms this script sends, and how each shows the answer.
const TOGGLES = {
  "helpful-form": (form, result) => {
    form.querySelector("button").setAttribute("aria-pressed", String(result.helpful));
    form.querySelector(".helpful-count").textContent = result.count;
  },
  "vote-form": (form, result) => {
    form.querySelector("button").setAttribute("aria-pressed", String(result.voted));
    form.querySelector(".vote-count").textContent = result.votes;
  },
};

document.addEventListener("submit", async (event) => {
  const form = event.target;
  const kind = Object.keys(TOGGLES).find((name) => form.classList.contains(name));
  if (!kind) {
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
    TOGGLES[kind](form, await response.json());
  } finally {
    button.disabled = false;
  }
});

// While a new thread's title is typed, the threads like it are listed under the field, so that a
// member finds an existing answer before asking. Once the list has been shown, the form's hidden
// `confirmed` field says so: the server then posts the question without asking again (without this
// script, the server shows the same list on a page of its own before the question is posted).
const SIMILAR_DELAY = 300;  // milliseconds without typing before the search is asked for
const SIMILAR_MIN_LENGTH = 3;

function showSimilar(box, threads) {
  box.replaceChildren();
  box.hidden = threads.length === 0;
  if (box.hidden) {
    return;
  }
  const heading = document.createElement("p");
  heading.className = "similar-threads__heading";
  heading.textContent = box.dataset.heading;
  const list = document.createElement("ul");
  list.className = "similar-threads__list";
  for (const thread of threads) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = thread.url;
    link.textContent = thread.title;
    item.append(link);
    if (thread.solved) {
      const tag = document.createElement("span");
      tag.className = "tag tag--solved";
      tag.textContent = box.dataset.solved;
      item.append(" ", tag);
    }
    list.append(item);
  }
  box.append(heading, list);
  box.closest("form").elements.confirmed.value = "1";
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.new-thread-form");
  const box = document.getElementById("similar-threads");
  if (!form || !box) {
    return;
  }
  const title = form.elements.title;
  let timer = null;
  let asked = 0;  // the latest request: an older answer arriving late is ignored
  title.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = title.value.trim();
      const request = ++asked;
      if (text.length < SIMILAR_MIN_LENGTH) {
        showSimilar(box, []);
        return;
      }
      try {
        const url = `${form.dataset.similarUrl}?${new URLSearchParams({ q: text })}`;
        const response = await fetch(url, { headers: { "Accept": "application/json" } });
        if (response.ok && request === asked) {
          showSimilar(box, await response.json());
        }
      } catch {
        // No suggestions this time: the form works without them.
      }
    }, SIMILAR_DELAY);
  });
});
