// bnaGPT's page: Read Documents. A .pdf, .txt or .md goes up through the same paperclip, paste
// or drop as an image; the server reads it (or says in one sentence why it cannot) and keeps it.
// Until the message goes it shows as a chip with its name above the input, and in the question's
// bubble after. Under an answer that read documents, "Sources: report.pdf p. 3" lists the pages
// it was given; a click on one opens the passage itself, below it.
//
// Safety: a passage is text from a file: it is set as text, never as HTML.
import { element } from "./common.js";

/** Whether NAME is one of the documents the server reads (its extension, as the server decides too). */
export function isDocument(name) {
  return /\.(pdf|txt|md|markdown)$/i.test(name || "");
}

/** A document above the input, or in a question's bubble: its name, as text. */
export function documentChip(name) {
  const chip = element("span", "document-chip", name);
  chip.title = name;
  return chip;
}

/** How long a document may take to go up and be read before its chip says why it takes longer. */
export const SLOW_READING_MS = 3000;

/**
 * Beside a document's chip while the server reads it: "reading...", and once that has taken
 * SLOW_READING_MS, why (a long document is split and indexed once; the very first one also
 * makes the server fetch the embedding model, which the terminal that started it reports).
 */
export function readingNote(slow) {
  return element("span", "reading", slow
    ? "reading... a long document is indexed once; the first also fetches the embedding model (about 130 MB, once)"
    : "reading...");
}

/** The documents among a question's ATTACHMENTS, as chips added to NODE (the images' row); NODE is returned. */
export function withDocuments(node, attachments) {
  for (const attachment of attachments.filter((a) => a.kind === "document")) node.append(documentChip(attachment.name));
  return node;
}

/** "report.pdf p. 3", or the file alone when it has no pages. */
function cite(passage) {
  return passage.page > 0 ? passage.file + " p. " + passage.page : passage.file;
}

/**
 * "Sources:" and a button per page under ANSWER (a bubble of messages.js), from the answer's
 * PASSAGES ({file, page, text}); passages of one page are shown together.
 */
export function showPassages(answer, passages) {
  const old = answer.bubble.querySelector(":scope > .passages");
  if (old) old.remove();
  if (!passages || !passages.length) return;
  const byPage = new Map();
  for (const passage of passages) {
    const key = cite(passage);
    byPage.set(key, (byPage.has(key) ? byPage.get(key) + "\n\n[...]\n\n" : "") + passage.text);
  }
  const list = element("div", "passages");
  const panel = element("blockquote", "passage");
  panel.hidden = true;
  list.append(element("span", "", "Sources: "));
  for (const [key, text] of byPage) {
    const button = element("button", "source", key);
    button.type = "button";
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      const open = button.getAttribute("aria-expanded") !== "true";
      for (const other of list.querySelectorAll(".source")) other.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-expanded", String(open));
      panel.textContent = text;
      panel.hidden = !open;
    });
    list.append(button);
  }
  list.append(panel);
  answer.bubble.append(list);
}
