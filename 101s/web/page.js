// bnaGPT's page: sends your message to the server on this machine (101s/web.java) and
// shows the answer as it streams in. No framework: the DOM, fetch and a stream reader.
//
// Safety: the answer's Markdown arrives as HTML rendered by the server, which escaped any
// HTML the model wrote. Everything else the page shows (your words, the reasoning, the
// answer while it streams) is set as text, never as HTML.
"use strict";

const SERVER_GONE = "The page's server does not answer: it was stopped, or the connection broke. "
  + "Start it again with ./jbang web, then open the address it prints.";

const page = {
  conversation: null, // the id of the conversation shown, once it has one
  streaming: false,
  assistants: new Map(),
};

const $ = (id) => document.getElementById(id);

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- Talking to the server --------------------------------------------------------

/** A request to the API; a refusal or failure becomes an Error with the server's sentence. */
async function api(path, body) {
  let response;
  try {
    response = await fetch(path, body === undefined ? {} : {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(SERVER_GONE);
  }
  return checked(response);
}

async function checked(response) {
  if (response.ok) return response;
  let sentence = "The page's server answered " + response.status + ".";
  try {
    sentence = (await response.json()).error || sentence;
  } catch (e) { /* not JSON: the status says enough */ }
  throw new Error(sentence);
}

// ---- Messages ----------------------------------------------------------------------

function addMessage(role) {
  const message = element("div", "message " + role);
  const avatar = element("img", "avatar");
  avatar.src = role === "user" ? "user.svg" : "assistant.svg";
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

/** Server-rendered (escaped) Markdown goes in; every code block gets a copy button. */
function setHtml(container, html) {
  container.innerHTML = html;
  for (const pre of container.querySelectorAll("pre")) {
    const copy = element("button", "copy", "Copy");
    copy.type = "button";
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(pre.querySelector("code")?.textContent ?? pre.textContent);
        copy.textContent = "Copied";
      } catch (e) {
        copy.textContent = "Select and copy";
      }
      setTimeout(() => { copy.textContent = "Copy"; }, 1500);
    });
    pre.append(copy);
  }
}

function markCut(bubble, why) {
  bubble.dataset.cut = "true";
  bubble.append(element("p", "cut", "[cut] " + (why || "The answer was stopped before its end.")));
}

function showError(sentence) {
  addMessage("assistant").append(element("p", "error", sentence));
  scrollDown();
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
  if (!text.trim() || page.streaming) return;
  $("prompt").value = "";
  fitPrompt();
  const question = showUser(text);
  const answer = assistantBubble();
  answer.tail.classList.add("waiting");
  scrollDown();
  setStreaming(true);
  let finished = false;
  try {
    const response = await checked(await fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        conversation: page.conversation,
        message: text,
        model: $("model").value,
        assistant: $("assistant").value,
        system: $("system").value,
        json: $("json").checked,
      }),
    }).catch(() => { throw new Error(SERVER_GONE); }));
    finished = await readEvents(response, answer);
  } catch (e) { // refused or unreachable: nothing was sent, so the message goes back in the input
    question.closest(".message").remove();
    answer.bubble.closest(".message").remove();
    $("prompt").value = text;
    fitPrompt();
    showError(e.message);
    finished = true;
  }
  if (!finished) {
    answer.tail.classList.remove("waiting");
    markCut(answer.bubble, SERVER_GONE);
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
  if ("conversation" in event && event.conversation !== page.conversation) {
    page.conversation = event.conversation; // null: a new conversation that failed was not kept
    history.replaceState(null, "", event.conversation ? "#" + event.conversation : location.pathname);
  }
  switch (event.type) {
    case "start":
      break;
    case "reasoning":
      answer.reasoning.hidden = false;
      answer.reasoning.lastChild.append(event.text);
      break;
    case "content":
      answer.tail.classList.remove("waiting");
      answer.tail.append(event.text); // a text node: appending costs the size of the piece
      break;
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
      answer.tail.classList.remove("waiting");
      answer.bubble.append(element("p", "error", event.message));
      return true;
    case "done":
      answer.tail.remove();
      setHtml(answer.body, event.html);
      if (event.cut) markCut(answer.bubble, event.interruption);
      if (event.tokens !== undefined) answer.bubble.append(element("p", "stats", stats(event)));
      if (event.saveProblem) answer.bubble.append(element("p", "error", event.saveProblem));
      answer.bubble.dataset.complete = "true";
      break;
  }
  followAnswer();
  return event.type === "done";
}

function stats(event) {
  let line = event.tokens.toLocaleString("en") + " tokens at "
    + Math.round(event.tokensPerSecond).toLocaleString("en") + " tokens/s";
  if (event.firstToken !== undefined) line += ", first token after " + event.firstToken.toFixed(2) + " s";
  return line;
}

function setStreaming(on) {
  page.streaming = on;
  $("send").hidden = on;
  $("stop").hidden = !on;
}

async function stop() {
  if (!page.conversation) return;
  try {
    await api("/api/stop", { conversation: page.conversation });
  } catch (e) {
    showError(e.message);
  }
}

// ---- The sidebar: conversations and settings ---------------------------------------------

async function loadState() {
  const state = await (await api("/api/state")).json();
  fill($("model"), state.models.map((id) => [id, id]));
  for (const assistant of state.assistants) page.assistants.set(assistant.id, assistant);
  fill($("assistant"), [["", "(none: system prompt below)"]].concat(
    state.assistants.map((a) => [a.id, a.name])));
  showConversations(state.conversations);
  if (state.modelsError) showError(state.modelsError);
}

function fill(select, options) {
  const chosen = select.value;
  select.replaceChildren(...options.map(([value, label]) => {
    const option = element("option", "", label);
    option.value = value;
    return option;
  }));
  if (options.some(([value]) => value === chosen)) select.value = chosen;
}

function showConversations(conversations) {
  $("conversations").replaceChildren(...conversations.map(({ id, title }) => {
    const item = element("li");
    const button = element("button", "", title);
    button.type = "button";
    button.title = id;
    button.dataset.id = id;
    if (id === page.conversation) button.setAttribute("aria-current", "true");
    button.addEventListener("click", () => openConversation(id));
    item.append(button);
    return item;
  }));
}

async function refreshConversations() {
  try {
    showConversations((await (await api("/api/state")).json()).conversations);
  } catch (e) { /* the list stays as it was; the answer already said what went wrong */ }
}

async function openConversation(id) {
  if (page.streaming) return;
  document.body.classList.remove("sidebar-open");
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
      setHtml(answer.body, message.html);
      if (message.cut) markCut(answer.bubble);
    }
  }
  if (conversation.model) {
    if (![...$("model").options].some((o) => o.value === conversation.model)) {
      $("model").append(new Option(conversation.model, conversation.model));
    }
    $("model").value = conversation.model;
  }
  $("assistant").value = "";
  $("system").disabled = false;
  $("system").value = conversation.system || "";
  $("json").checked = conversation.json;
  if (conversation.answering) {
    $("messages").append(element("p", "note", "This conversation is answering in another tab; reload to see it."));
  }
  refreshConversations();
  scrollDown();
}

function newChat() {
  if (page.streaming) return;
  page.conversation = null;
  history.replaceState(null, "", location.pathname);
  $("messages").replaceChildren();
  refreshConversations();
  document.body.classList.remove("sidebar-open");
  $("prompt").focus();
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
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    send();
  });
  $("prompt").addEventListener("keydown", (event) => {
    // Enter sends; Shift+Enter is a new line (and Enter that ends an IME composition is not a send).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
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
  $("menu").addEventListener("click", () => document.body.classList.toggle("sidebar-open"));
  $("assistant").addEventListener("change", () => {
    const assistant = page.assistants.get($("assistant").value);
    $("system").disabled = Boolean(assistant);
    if (assistant && assistant.model && [...$("model").options].some((o) => o.value === assistant.model)) {
      $("model").value = assistant.model;
    }
  });
  try {
    await loadState();
  } catch (e) {
    showError(e.message);
    return;
  }
  if (location.hash.length > 1) await openConversation(decodeURIComponent(location.hash.slice(1)));
  $("prompt").focus();
});
