// bnaGPT's page, the devs track's view: sends your message to the server on this machine
// (devs/.../view/web) and shows the answer as it streams in. No framework: the DOM, fetch
// and a stream reader. One file for the article's two pages: "/simple" is the Simple
// Chatbot (the model sees your last message only, nothing is saved), "/" the Chatbot With
// Memory (the model sees the conversation; the sidebar keeps the saved ones).
//
// Safety: the answer's Markdown arrives as HTML rendered by the server, which escaped any
// HTML the model wrote. Everything else the page shows (your words, the reasoning, the
// answer while it streams, titles) is set as text, never as HTML. This run's secret is
// kept in this origin's storage (other ports cannot read it) and sent in a header, never
// in a cookie or an address.
"use strict";

const SECRET_KEY = "bnagpt-secret";
const SECRET_HEADER = "X-Bnagpt-Secret";
const THEME_KEY = "bnagpt-theme";
const SERVER_GONE = "The page's server does not answer: it was stopped, or the connection broke. "
  + "Start it again with ./jbang web, then open the address it prints.";
const PAGES = {
  simple: { title: "Simple Chatbot", saved: false },
  memory: { title: "Chatbot With Memory", saved: true },
};

const page = {
  kind: location.pathname === "/simple" ? "simple" : "memory",
  conversation: null, // the id of the saved conversation shown, once it has one
  answering: null, // the id under which the answer streaming now can be stopped
  streaming: false,
  locked: false,
  conversations: [],
};

const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- This run's secret ---------------------------------------------------------------

/** The page that the private file or a printed address opened holds the secret once: keep it, and go on without it. */
function takeSecret() {
  const given = document.querySelector('meta[name="bnagpt-secret"]');
  if (!given) {
    if (location.pathname === "/login") history.replaceState(null, "", "/"); // a spent address: nothing to keep
    return false;
  }
  localStorage.setItem(SECRET_KEY, given.content);
  location.replace("/"); // the /login entry leaves the history; nothing secret was in it anyway
  return true;
}

/** Without the secret the page can do nothing: it says where to find the address, and nothing else. */
function lock(sentence) {
  page.locked = true;
  document.body.classList.add("locked");
  $("locked").textContent = sentence;
  $("locked").hidden = false;
}

// ---- Talking to the server --------------------------------------------------------

/** A request to the API; a refusal or failure becomes an Error with the server's sentence. */
async function api(path, method, body) {
  const headers = { [SECRET_HEADER]: localStorage.getItem(SECRET_KEY) || "" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method: method || "GET",
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(SERVER_GONE);
  }
  return checked(response);
}

async function checked(response) {
  if (response.ok) return response;
  let refusal = {};
  try {
    refusal = await response.json();
  } catch (e) { /* not JSON: the status says enough */ }
  if (refusal.needsSecret) lock(refusal.error);
  throw new Error(refusal.error || "The page's server answered " + response.status + ".");
}

// ---- Messages ----------------------------------------------------------------------

function addMessage(role) {
  const message = element("div", "message " + role);
  const avatar = element("img", "avatar");
  avatar.src = role === "user" ? "user.svg" : "logo.svg";
  avatar.alt = role === "user" ? "you" : "bnaGPT";
  const bubble = element("div", "bubble");
  message.append(avatar, bubble);
  $("messages").append(message);
  return bubble;
}

function showUser(text) {
  const bubble = addMessage("user");
  bubble.textContent = text;
  return bubble;
}

/** An assistant's bubble: the reasoning (collapsed), the rendered answer, the text still arriving. */
function assistantBubble() {
  const bubble = addMessage("assistant");
  const reasoning = element("details", "reasoning");
  reasoning.hidden = true;
  reasoning.append(element("summary", "", "Reasoning"), element("div"));
  const body = element("div", "body");
  const tail = element("span", "tail");
  bubble.append(reasoning, body, tail);
  return { bubble, reasoning, body, tail };
}

/** Server-rendered (escaped) Markdown goes in; every code block gets a bar with its language and a Copy button. */
function setHtml(container, html) {
  container.innerHTML = html;
  for (const pre of container.querySelectorAll("pre")) {
    const code = pre.querySelector("code");
    const language = code && [...code.classList].find((c) => c.startsWith("language-"));
    const box = element("div", "code");
    const bar = element("div", "code-bar");
    const copy = element("button", "copy", "Copy");
    copy.type = "button";
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText((code || pre).textContent);
        copy.textContent = "Copied";
      } catch (e) {
        copy.textContent = "Select and copy";
      }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    });
    bar.append(element("span", "", language ? language.slice("language-".length) : "code"), copy);
    pre.replaceWith(box);
    box.append(bar, pre);
  }
}

function markCut(bubble, why) {
  bubble.dataset.cut = "true";
  bubble.append(element("p", "cut", "[cut] " + (why || "The answer was stopped before its end.")));
}

/** A failure, in a bubble of its own, scrolled into view to its last line. */
function showError(sentence) {
  const error = element("p", "error", sentence);
  addMessage("assistant").append(error);
  error.scrollIntoView({ block: "end" });
}

function scrollDown() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

// While an answer streams, the newest text stays in view unless you scrolled up to read.
// Where the list is scrolled is read only when it scrolls, and we scroll once a frame:
// asking the layout for every piece would lay out the whole answer for every piece.
let following = true;
let scrollPending = false;

function followAnswer() {
  if (scrollPending) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    if (following) scrollDown();
  });
}

// ---- Sending a message and reading the answer as it streams ----------------------------

async function send() {
  const text = $("prompt").value;
  if (!text.trim() || page.streaming || page.locked) return;
  $("prompt").value = "";
  fitPrompt();
  const question = showUser(text);
  const answer = assistantBubble();
  answer.tail.classList.add("waiting");
  following = true;
  scrollDown();
  setStreaming(true);
  let finished = false;
  try {
    const response = await api("/api/chat", "POST", {
      page: page.kind,
      conversation: PAGES[page.kind].saved ? page.conversation : null,
      message: text,
      model: $("model").value,
      system: $("system").value,
      json: $("json").checked,
    });
    finished = await readEvents(response, answer);
  } catch (e) { // refused or unreachable: nothing was sent, so the message goes back in the input
    question.closest(".message").remove();
    answer.bubble.closest(".message").remove();
    $("prompt").value = text;
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
    case "notice":
      answer.bubble.append(element("p", "note", event.text));
      break;
    case "error":
      keep(event.conversation);
      answer.tail.remove();
      answer.bubble.append(element("p", "error", event.message));
      answer.bubble.dataset.complete = "true";
      answer.bubble.lastChild.scrollIntoView({ block: "end" });
      return true;
    case "done":
      keep(event.conversation);
      answer.tail.remove();
      setHtml(answer.body, event.html);
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

// ---- The sidebar: saved conversations, by date, with search, rename and delete ----------------

async function loadState() {
  const state = await (await api("/api/state")).json();
  fill($("model"), [state.model]);
  page.conversations = state.conversations;
  showConversations();
  loadModels(); // not awaited: a slow server's list must not hold up the page
}

async function loadModels() {
  try {
    const offer = await (await api("/api/models")).json();
    fill($("model"), offer.models);
    $("models-note").hidden = !offer.problem;
    $("models-note").textContent = offer.problem || "";
  } catch (e) {
    $("models-note").hidden = false;
    $("models-note").textContent = e.message;
  }
}

/** The model picker's options; the one chosen stays chosen. */
function fill(select, models) {
  const chosen = select.value;
  select.replaceChildren(...models.map((id) => new Option(id, id)));
  if (chosen && !models.includes(chosen)) select.append(new Option(chosen, chosen));
  if (chosen) select.value = chosen;
}

/** "Today", "Yesterday", "Previous 7 days", "Previous 30 days", then month by month. */
function dateGroup(time, now) {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const day = 24 * 60 * 60 * 1000;
  if (time >= startOfToday) return "Today";
  if (time >= startOfToday - day) return "Yesterday";
  if (time >= startOfToday - 7 * day) return "Previous 7 days";
  if (time >= startOfToday - 30 * day) return "Previous 30 days";
  return new Date(time).toLocaleDateString("en", { month: "long", year: "numeric" });
}

function showConversations() {
  const words = $("search").value.trim().toLowerCase();
  const shown = page.conversations.filter(({ title }) => title.toLowerCase().includes(words));
  const groups = new Map();
  const now = new Date();
  for (const conversation of shown) {
    const group = dateGroup(conversation.updated, now);
    if (!groups.has(group)) groups.set(group, element("ul"));
    groups.get(group).append(conversationItem(conversation));
  }
  const parts = [];
  for (const [name, list] of groups) parts.push(element("h3", "", name), list);
  if (!shown.length) parts.push(element("p", "empty", words ? "No conversation has that in its title." : "No saved conversations yet."));
  $("conversations").replaceChildren(...parts);
}

function conversationItem({ id, title }) {
  const item = element("li");
  item.dataset.id = id;
  const open = element("button", "open", title);
  open.type = "button";
  open.title = title;
  open.dataset.id = id;
  if (id === page.conversation) open.setAttribute("aria-current", "true");
  open.addEventListener("click", () => openConversation(id));
  const rename = element("button", "rename", "\u270e");
  rename.type = "button";
  rename.setAttribute("aria-label", "Rename \u201c" + title + "\u201d");
  rename.addEventListener("click", () => renameConversation(id, title));
  const remove = element("button", "delete", "\u00d7");
  remove.type = "button";
  remove.setAttribute("aria-label", "Delete \u201c" + title + "\u201d");
  remove.addEventListener("click", () => deleteConversation(id, title));
  item.append(open, rename, remove);
  return item;
}

async function refreshConversations() {
  if (!PAGES[page.kind].saved || page.locked) return;
  try {
    page.conversations = (await (await api("/api/state")).json()).conversations;
    showConversations();
  } catch (e) { /* the list stays as it was; the answer already said what went wrong */ }
}

async function renameConversation(id, title) {
  const chosen = prompt("A new title for this conversation:", title);
  if (chosen === null || !chosen.trim() || chosen.trim() === title) return;
  try {
    await api("/api/conversations/" + encodeURIComponent(id), "PATCH", { title: chosen.trim() });
  } catch (e) {
    showError(e.message);
  }
  refreshConversations();
}

async function deleteConversation(id, title) {
  if (!confirm("Delete \u201c" + title + "\u201d for good?")) return;
  try {
    await api("/api/conversations/" + encodeURIComponent(id), "DELETE");
  } catch (e) {
    showError(e.message);
    return;
  }
  if (id === page.conversation) newChat();
  refreshConversations();
}

async function openConversation(id) {
  if (page.streaming) return;
  closeSidebar();
  let conversation;
  try {
    conversation = await (await api("/api/conversations/" + encodeURIComponent(id))).json();
  } catch (e) {
    showError(e.message);
    return;
  }
  page.conversation = conversation.id;
  history.replaceState(null, "", "#" + conversation.id);
  $("messages").replaceChildren();
  for (const message of conversation.messages) {
    if (message.role === "user") {
      showUser(message.text);
    } else {
      const answer = assistantBubble();
      answer.tail.remove();
      if (message.reasoning) {
        answer.reasoning.hidden = false;
        answer.reasoning.lastChild.textContent = message.reasoning;
      }
      setHtml(answer.body, message.html);
      if (message.cut) markCut(answer.bubble);
      answer.bubble.dataset.complete = "true";
    }
  }
  if (conversation.model) fill($("model"), [...$("model").options].map((o) => o.value).concat(conversation.model));
  if (conversation.model) $("model").value = conversation.model;
  $("system").value = conversation.system || "";
  $("json").checked = conversation.json;
  if (conversation.answering) {
    $("messages").append(element("p", "note", "This conversation is answering in another tab; reload to see it."));
  }
  showConversations();
  scrollDown();
}

function newChat() {
  if (page.streaming) return;
  page.conversation = null;
  history.replaceState(null, "", location.pathname);
  $("messages").replaceChildren();
  showConversations();
  closeSidebar();
  $("prompt").focus();
}

// ---- The page around the chat ------------------------------------------------------------------

function openSidebar(open) {
  document.body.classList.toggle("sidebar-open", open);
  $("menu").setAttribute("aria-expanded", String(open));
}

function closeSidebar() {
  openSidebar(false);
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
  $("messages").addEventListener("scroll", () => {
    const list = $("messages");
    following = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  });
  $("prompt").addEventListener("input", fitPrompt);
  fitPrompt();
  $("stop").addEventListener("click", stop);
  $("new-chat").addEventListener("click", newChat);
  $("search").addEventListener("input", showConversations);
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
  if (!localStorage.getItem(SECRET_KEY)) {
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
