// bnaGPT's page: the chat's bubbles. Server-rendered (escaped) Markdown goes in as HTML;
// everything else (your words, the reasoning, the answer while it streams) as text.
import { $, element } from "./common.js";

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

/** Your message: its images (IMAGES, an element, when it has any), then your words. */
export function showUser(text, images) {
  const bubble = addMessage("user");
  if (images && images.children.length) bubble.append(images);
  bubble.append(element("div", "text", text));
  return bubble;
}

/**
 * An assistant's bubble: the reasoning (collapsed), what the tools did, the rendered answer,
 * the text still arriving, and the pages a search found.
 */
export function assistantBubble() {
  const bubble = addMessage("assistant");
  const reasoning = element("details", "reasoning");
  reasoning.hidden = true;
  reasoning.append(element("summary", "", "Reasoning"), element("div"));
  const tools = element("div", "tools");
  const body = element("div", "body");
  const tail = element("span", "tail");
  const sources = element("div", "sources");
  bubble.append(reasoning, tools, body, tail, sources);
  return { bubble, reasoning, tools, body, tail, sources };
}

/** Server-rendered (escaped) Markdown goes in; every code block gets a bar with its language and a Copy button. */
export function setHtml(container, html) {
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

export function markCut(bubble, why) {
  bubble.dataset.cut = "true";
  bubble.append(element("p", "cut", "[cut] " + (why || "The answer was stopped before its end.")));
}

/** A failure, in a bubble of its own, scrolled into view to its last line. */
export function showError(sentence) {
  const error = element("p", "error", sentence);
  addMessage("assistant").append(error);
  error.scrollIntoView({ block: "end" });
}

export function scrollDown() {
  const list = $("messages");
  list.scrollTop = list.scrollHeight;
}

// While an answer streams, the newest text stays in view unless you scrolled up to read.
// Where the list is scrolled is read only when it scrolls, and we scroll once a frame:
// asking the layout for every piece would lay out the whole answer for every piece.
let following = true;
let scrollPending = false;

export function followAnswer() {
  if (scrollPending) return;
  scrollPending = true;
  requestAnimationFrame(() => {
    scrollPending = false;
    if (following) scrollDown();
  });
}


/** Where the list is scrolled is read only when it scrolls: reading it per piece would lay out the answer per piece. */
export function trackFollowing() {
  $("messages").addEventListener("scroll", () => {
    const list = $("messages");
    following = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  });
}

/** A new answer is followed until you scroll up. */
export function follow() {
  following = true;
}
