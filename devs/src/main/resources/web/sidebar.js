// bnaGPT's page: the sidebar. The model picker, the assistants, and on the Chatbot With Memory page the
// saved conversations, grouped by date, with a search box, rename and delete. On a phone it
// slides over the chat.
import { $, PAGES, api, element, page } from "./common.js";
import { imagesOf } from "./attachments.js";
import { assistantBubble, markCut, scrollDown, setHtml, showError, showUser } from "./messages.js";
import { showTools } from "./toolruns.js";
import { showPassages, withDocuments } from "./documents.js";

export async function loadState() {
  const state = await (await api("/api/state")).json();
  fill($("model"), [state.model]);
  page.assistants = state.assistants;
  $("assistant").append(...state.assistants.map((a) => new Option(a.name, a.id)));
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

/**
 * An assistant's instructions fill the system prompt, and its model (when it names one) the
 * picker; the server sends the assistant's own instructions, found by its id.
 */
export function chooseAssistant() {
  const assistant = page.assistants.find((a) => a.id === $("assistant").value);
  $("system").value = assistant ? assistant.instructions : "";
  if (assistant && assistant.model) {
    showModel(assistant.model);
    page.modelPinned = true; // the assistant's own choice
  }
  closeSidebar();
}

/** The picker shows MODEL, added to it when it does not offer it. */
export function showModel(model) {
  if (!model) return;
  if (![...$("model").options].some((o) => o.value === model)) $("model").append(new Option(model, model));
  $("model").value = model;
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

export function showConversations() {
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

export async function refreshConversations() {
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

export async function openConversation(id) {
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
      showUser(message.text, withDocuments(imagesOf(message.attachments || []), message.attachments || []));
    } else {
      const answer = assistantBubble();
      answer.tail.remove();
      if (message.reasoning) {
        answer.reasoning.hidden = false;
        answer.reasoning.lastChild.textContent = message.reasoning;
      }
      showTools(answer, message.tools || []);
      setHtml(answer.body, message.html);
      showPassages(answer, message.passages || []);
      if (message.cut) markCut(answer.bubble);
      answer.bubble.dataset.complete = "true";
    }
  }
  showModel(conversation.model);
  page.modelPinned = false; // the model it was answered by, not one you chose for it
  $("system").value = conversation.system || "";
  $("assistant").value = ""; // the conversation's own instructions, whoever wrote them
  $("json").checked = conversation.json;
  if (conversation.answering) {
    $("messages").append(element("p", "note", "This conversation is answering in another tab; reload to see it."));
  }
  showConversations();
  scrollDown();
}

export function newChat() {
  if (page.streaming) return;
  page.conversation = null;
  page.modelPinned = false;
  history.replaceState(null, "", location.pathname);
  $("messages").replaceChildren();
  showConversations();
  closeSidebar();
  $("prompt").focus();
}

export function openSidebar(open) {
  document.body.classList.toggle("sidebar-open", open);
  $("menu").setAttribute("aria-expanded", String(open));
}

export function closeSidebar() {
  openSidebar(false);
}
