// bnaGPT's page: Groq's built-in tools. The two switches under the input ("Search the web",
// "Run code"), and what the tools did, in the answer's bubble: while a search runs, what is
// being searched; then the pages it found, as a numbered list under the answer; a run of code
// as a folded block with the code and what it printed (as ChatGPT's "Analysis").
//
// Safety: all of it comes from outside (a page's title, a program's output), so it is set as
// text, never as HTML, and only an http(s) address becomes a link, one that opens in a new
// tab that cannot reach back to this page.
import { element } from "./common.js";

export function startSwitches() {
  for (const button of document.querySelectorAll("#composer-tools .switch")) {
    button.addEventListener("click", () => {
      button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
    });
  }
}

/** The tools switched on for the next message: ["search"], ["code"], both or none. */
export function chosenTools() {
  return [...document.querySelectorAll("#composer-tools .switch[aria-pressed='true']")]
    .map((button) => button.dataset.tool);
}

/** One run began or ended (RUN as the "tool" event has it): shown in place of what its index showed before. */
export function showTool(answer, run) {
  if (!answer.runs) answer.runs = new Map();
  answer.runs.set(run.index, run);
  const old = answer.tools.querySelector(":scope > [data-index='" + run.index + "']");
  const shown = run.kind === "code" ? codeRun(run, old && old.open) : searchRun(run);
  shown.dataset.index = run.index;
  if (old) {
    old.replaceWith(shown);
  } else {
    answer.tools.append(shown);
  }
  showSources(answer);
}

/** Every run of a whole answer (its "done" event, or a saved conversation): what is kept replaces what streamed. */
export function showTools(answer, runs) {
  answer.runs = new Map();
  answer.tools.replaceChildren();
  for (const run of runs) showTool(answer, run);
  showSources(answer);
}

function searchRun(run) {
  const finished = run.output !== null || run.sources.length > 0;
  const line = element("p", finished ? "search-run" : "search-run searching");
  line.textContent = (finished ? "Searched the web for \u201c" : "Searching the web for \u201c") + run.input
    + (finished ? "\u201d" : "\u201d...");
  return line;
}

function codeRun(run, open) {
  const finished = run.output !== null;
  const block = element("details", "code-run");
  block.open = Boolean(open);
  block.append(element("summary", "", finished ? "Ran code" : "Running code..."));
  block.append(element("div", "label", "Code"), element("pre", "code-in", run.input));
  if (finished) block.append(element("div", "label", "Output"), element("pre", "code-out", run.output));
  return block;
}

/** The pages the searches found, numbered in order under the answer, as the answer cites them ([1], [2]...). */
function showSources(answer) {
  const list = element("ol");
  for (const run of [...answer.runs.values()].filter((r) => r.kind === "search")) {
    for (const source of run.sources) list.append(sourceItem(source));
    if (run.moreSources) list.append(element("li", "note", run.moreSources + " more not shown"));
    if (run.output) list.append(element("li", "note", run.output)); // what the search said beside its pages
  }
  if (!list.children.length) {
    answer.sources.replaceChildren();
    return;
  }
  answer.sources.replaceChildren(element("h4", "", "Sources"), list);
}

function sourceItem({ title, url }) {
  const item = element("li");
  const address = webAddress(url);
  if (address) {
    const link = element("a", "", title || address);
    link.href = address;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    item.append(link, element("span", "host", " " + new URL(address).hostname));
  } else { // not a web page's address (javascript:, data:, nothing): shown, never followed
    item.textContent = (title || "(no title)") + (url ? " (" + url + ")" : "");
  }
  return item;
}

/** URL as the link's address when it is an http or https one, else null. */
function webAddress(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch (e) {
    return null;
  }
}
