// bnaGPT's page: what every part of it shares. The page's state, this run's secret and
// the API. The secret is kept in this origin's storage (pages of other ports cannot read it)
// and sent in a header, never in a cookie or an address.
export const SECRET_KEY = "bnagpt-secret";
export const SECRET_HEADER = "X-Bnagpt-Secret";
export const SERVER_GONE = "The page's server does not answer: it was stopped, or the connection broke. "
  + "Start it again with ./jbang web, then open the address it prints.";
export const PAGES = {
  simple: { title: "Simple Chatbot", saved: false },
  memory: { title: "Chatbot With Memory", saved: true },
};

export const page = {
  kind: location.pathname === "/simple" ? "simple" : "memory",
  conversation: null, // the id of the saved conversation shown, once it has one
  answering: null, // the id under which the answer streaming now can be stopped
  streaming: false,
  locked: false,
  conversations: [],
  assistants: [], // the shelf's, from /api/state
  // Whether you chose the model for this conversation: the server may then never switch it (to
  // the vision model for an image, say). Shown in the picker but not chosen, it may switch.
  modelPinned: false,
};

export const $ = (id) => document.getElementById(id);

export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- This run's secret ---------------------------------------------------------------

/** The page that the private file or a printed address opened holds the secret once: keep it, and go on without it. */
export function takeSecret() {
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
export function lock(sentence) {
  page.locked = true;
  document.body.classList.add("locked");
  $("locked").textContent = sentence;
  $("locked").hidden = false;
}

// ---- Talking to the server --------------------------------------------------------

/**
 * A request to the API; a refusal or failure becomes an Error with the server's sentence.
 * BODY is sent as JSON, or as it is when it is a file (a Blob).
 */
export async function api(path, method, body) {
  const headers = { [SECRET_HEADER]: localStorage.getItem(SECRET_KEY) || "" };
  const file = body instanceof Blob;
  if (body !== undefined) headers["Content-Type"] = file ? "application/octet-stream" : "application/json";
  let response;
  try {
    response = await fetch(path, {
      method: method || "GET",
      headers,
      body: body === undefined || file ? body : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(SERVER_GONE);
  }
  return checked(response);
}

export async function checked(response) {
  if (response.ok) return response;
  let refusal = {};
  try {
    refusal = await response.json();
  } catch (e) { /* not JSON: the status says enough */ }
  if (refusal.needsSecret) lock(refusal.error);
  throw new Error(refusal.error || "The page's server answered " + response.status + ".");
}


/** Whether this browser holds a secret for this server (the server says whether it is this run's). */
export function hasSecret() {
  return Boolean(localStorage.getItem(SECRET_KEY));
}
