// bnaGPT's page, the devs track's view: sends your message to the server on this machine
// (devs/.../view/web) and shows the answer as it streams in. No framework: the DOM, fetch
// and a stream reader. One page for the article's two: "/simple" is the Simple
// Chatbot (the model sees your last message only, nothing is saved), "/" the Chatbot With
// Memory (the model sees the conversation; the sidebar keeps the saved ones).
//
// Safety: the answer's Markdown arrives as HTML rendered by the server, which escaped any
// HTML the model wrote. Everything else the page shows (your words, the reasoning, the
// answer while it streams, titles, what the tools found) is set as text, never as HTML. The
// page's parts: common.js (state, secret, API), messages.js (bubbles), sidebar.js
// (conversations, models), attachments.js (images), toolruns.js (search the web, run code).
import { $, PAGES, SERVER_GONE, api, element, hasSecret, lock, page, takeSecret } from "./common.js";
import { assistantBubble, follow, followAnswer, markCut, scrollDown, setHtml, showError, showUser, trackFollowing }
  from "./messages.js";
import { chooseAssistant, closeSidebar, loadState, newChat, openConversation, openSidebar, refreshConversations, showConversations,
  showModel } from "./sidebar.js";
import { composerNote, imagesOf, putBack, startAttaching, takeAttached } from "./attachments.js";
import { chosenTools, showTool, showTools, startSwitches } from "./toolruns.js";
import { showPassages, withDocuments } from "./documents.js";

const THEME_KEY = "bnagpt-theme";

// ---- Sending a message and reading the answer as it streams ----------------------------

async function send() {
  if (page.streaming || page.locked) return;
  page.streaming = true; // while the images finish uploading, nothing else is sent
  const taken = await takeAttached();
  const text = $("prompt").value;
  if (!text.trim() && !taken.length) {
    page.streaming = false;
    return;
  }
  $("prompt").value = "";
  fitPrompt();
  composerNote("");
  const attachments = taken.map((entry) => entry.attachment);
  const question = showUser(text, withDocuments(imagesOf(attachments, taken), attachments));
  const answer = assistantBubble();
  answer.question = text;
  answer.taken = taken;
  answer.tail.classList.add("waiting");
  follow();
  scrollDown();
  setStreaming(true);
  let finished = false;
  try {
    const response = await api("/api/chat", "POST", {
      page: page.kind,
      conversation: PAGES[page.kind].saved ? page.conversation : null,
      message: text,
      attachments,
      tools: chosenTools(),
      model: $("model").value,
      modelPinned: page.modelPinned,
      system: $("system").value,
      assistant: $("assistant").value || null,
      json: $("json").checked,
    });
    finished = await readEvents(response, answer);
  } catch (e) { // refused or unreachable: nothing was sent, so the message goes back in the input
    question.closest(".message").remove();
    answer.bubble.closest(".message").remove();
    $("prompt").value = text;
    putBack(taken);
    fitPrompt();
    if (!page.locked) showError(e.message);
    finished = true;
  }
  if (!finished) {
    answer.tail.classList.remove("waiting");
    markCut(answer.bubble, SERVER_GONE);
    answer.bubble.dataset.complete = "true";
  }
  setStreaming(false);
  refreshConversations();
  $("prompt").focus();
}

/** Reads the answer's events, one JSON object a line; true when the last one arrived. */
async function readEvents(response, answer) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return false;
      buffered += value;
      const lines = buffered.split("\n");
      buffered = lines.pop();
      for (const line of lines) {
        if (line && handle(JSON.parse(line), answer)) return true;
      }
    }
  } catch (e) {
    return false; // the connection broke
  }
}

/** One event of the answer; true for the last one. */
function handle(event, answer) {
  switch (event.type) {
    case "start":
      page.answering = event.conversation;
      break;
    case "reasoning":
      answer.reasoning.hidden = false;
      answer.reasoning.lastChild.append(event.text);
      break;
    case "content": { // a text node: appending costs the size of the piece
      const first = !answer.tail.textContent && !answer.body.textContent;
      answer.tail.classList.remove("waiting");
      answer.tail.append(first ? event.text.replace(/^\s+/, "") : event.text);
      break;
    }
    case "html": { // the answer so far, rendered; what arrives next goes on after it
      setHtml(answer.body, event.html);
      answer.tail.textContent = "";
      const last = answer.body.lastElementChild;
      (last && last.tagName === "P" ? last : answer.body).append(answer.tail);
      break;
    }
    case "tool": // a search or a run of code began or ended
      showTool(answer, event);
      break;
    case "notice":
      answer.bubble.append(element("p", "note", event.text));
      break;
    case "error":
      keep(event.conversation);
      answer.tail.remove();
      answer.bubble.append(element("p", "error", event.message));
      answer.bubble.dataset.complete = "true";
      // Nothing was answered, so the server kept nothing of it: the words go back in the
      // input (unless something new is typed there), to send again once the cause is fixed.
      if (event.unanswered && !$("prompt").value) {
        $("prompt").value = answer.question;
        putBack(answer.taken);
        fitPrompt();
      }
      // The error is the last thing in the list: to the very end, past the list's padding (scrolling
      // the sentence itself into view can leave a fraction of a pixel of it below the fold).
      scrollDown();
      return true;
    case "done":
      keep(event.conversation);
      answer.tail.remove();
      setHtml(answer.body, event.html);
      if (event.tools) showTools(answer, event.tools);
      if (event.passages) showPassages(answer, event.passages);
      showModel(event.model); // the engine may have answered with another model (it says why in the notice)
      if (event.cut) markCut(answer.bubble, event.interruption);
      if (event.tokens !== undefined) answer.bubble.append(element("p", "stats", stats(event)));
      if (event.notice) answer.bubble.append(element("p", "note", event.notice));
      answer.bubble.dataset.complete = "true";
      break;
  }
  followAnswer();
  return event.type === "done";
}

/** The conversation the page goes on with, in the address's #, so a reload shows it again. */
function keep(id) {
  if (!PAGES[page.kind].saved || id === undefined || id === page.conversation) return;
  page.conversation = id;
  history.replaceState(null, "", id ? "#" + id : location.pathname);
}

function stats(event) {
  let line = event.tokens.toLocaleString("en") + " tokens at "
    + Math.round(event.tokensPerSecond).toLocaleString("en") + " tokens/s";
  if (event.firstToken !== undefined) line += ", first token after " + event.firstToken.toFixed(2) + " s";
  return line;
}

function setStreaming(on) {
  page.streaming = on;
  if (!on) page.answering = null;
  $("send").hidden = on;
  $("stop").hidden = !on;
}

async function stop() {
  if (!page.answering) return;
  try {
    await api("/api/stop", "POST", { conversation: page.answering });
  } catch (e) {
    showError(e.message);
  }
}

/** The theme you chose is kept; until you choose, the system's. */
function setTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme;
  const dark = theme ? theme === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  $("theme").setAttribute("aria-pressed", String(dark));
  $("theme").textContent = dark ? "Light mode" : "Dark mode";
}

/** The input grows with its text, up to a limit. */
function fitPrompt() {
  const prompt = $("prompt");
  prompt.style.height = "auto";
  prompt.style.height = prompt.scrollHeight + prompt.offsetHeight - prompt.clientHeight + "px"; // + borders
  prompt.style.overflowY = prompt.scrollHeight > prompt.clientHeight ? "auto" : "hidden";
}

// ---- Start ---------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  if (takeSecret()) return;
  setTheme(localStorage.getItem(THEME_KEY));
  const shown = PAGES[page.kind];
  document.title = "bnaGPT - " + shown.title;
  $("title").textContent = shown.title;
  document.querySelector('nav a[data-page="' + page.kind + '"]').setAttribute("aria-current", "page");
  $("history").hidden = !shown.saved;

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  $("prompt").addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line; so is Enter while an answer streams (nothing
    // can be sent then, and what you type must stay as you typed it). Enter that ends an
    // IME composition is not a send.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && !page.streaming) {
      event.preventDefault();
      send();
    }
  });
  trackFollowing();
  startAttaching();
  startSwitches();
  $("model").addEventListener("change", () => { page.modelPinned = true; }); // your choice for this conversation
  $("prompt").addEventListener("input", fitPrompt);
  fitPrompt();
  $("stop").addEventListener("click", stop);
  $("new-chat").addEventListener("click", newChat);
  $("search").addEventListener("input", showConversations);
  $("assistant").addEventListener("change", chooseAssistant);
  $("system").addEventListener("input", () => { $("assistant").value = ""; }); // your own words now
  $("menu").addEventListener("click", (event) => {
    event.stopPropagation();
    openSidebar(!document.body.classList.contains("sidebar-open"));
  });
  $("theme").addEventListener("click", () => {
    const theme = $("theme").getAttribute("aria-pressed") === "true" ? "light" : "dark";
    localStorage.setItem(THEME_KEY, theme);
    setTheme(theme);
  });
  // On a phone the sidebar covers the chat: a tap outside it or Escape closes it.
  document.querySelector("main").addEventListener("click", closeSidebar);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") closeSidebar();
  });
  if (!hasSecret()) {
    lock("This page was opened without this run's secret: open the address that ./jbang web printed in its "
      + "terminal (each one works once, and it prints a new one), or start it again.");
    return;
  }
  try {
    await loadState();
  } catch (e) {
    if (!page.locked) showError(e.message);
    return;
  }
  if (shown.saved && location.hash.length > 1) await openConversation(decodeURIComponent(location.hash.slice(1)));
  $("prompt").focus();
});
