// bnaGPT's page: images attached to your next message, and their thumbnails in the bubbles.
// The paperclip, a paste or a drop adds an image; a large photo is made smaller here first (a
// phone's is 4-12 MB, and the model looks at 1568 pixels at most), then sent to the server,
// which reads what the file really is, scales it again if needed and keeps it. Until the
// message goes, each shows as a thumbnail with a button that removes it. At most 3 a message.
import { $, api, element } from "./common.js";
import { documentChip, isDocument, readingNote, SLOW_READING_MS } from "./documents.js";

const MOST = 3;
const LONGEST_SIDE = 1568;
/** A picture this small and no larger than LONGEST_SIDE goes as it is: made again, it would only lose. */
const SMALL_ENOUGH = 900 * 1024;
export const TOO_MANY = "At most " + MOST + " images go with one message: remove one to attach another.";

/** The images for the next message: { name, file (ready to send), url (its thumbnail), upload, attachment }. */
let attached = [];

export function startAttaching() {
  $("attach").addEventListener("click", () => $("attach-file").click());
  $("attach-file").addEventListener("change", () => {
    add([...$("attach-file").files]);
    $("attach-file").value = ""; // the same file may be chosen again
  });
  // A paste holding a picture (a screenshot, an image copied in a browser) attaches it;
  // a paste of text stays the browser's.
  document.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData ? event.clipboardData.files : [])];
    if (!files.length) return;
    event.preventDefault();
    add(files);
  });
  document.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault(); // without it the browser would open the file in place of the page
    document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", (event) => {
    if (!event.relatedTarget) document.body.classList.remove("dropping");
  });
  document.addEventListener("drop", (event) => {
    document.body.classList.remove("dropping");
    if (!carriesFiles(event)) return;
    event.preventDefault();
    add([...event.dataTransfer.files]);
  });
}

function carriesFiles(event) {
  return event.dataTransfer && [...event.dataTransfer.types].includes("Files");
}

/** A sentence near the input (a refused file, a fourth image), or none. */
export function composerNote(sentence) {
  $("composer-note").textContent = sentence || "";
  $("composer-note").hidden = !sentence;
}

function add(files) {
  composerNote("");
  for (const file of files) {
    if (!isDocument(file.name) && attached.filter((e) => !isDocument(e.name)).length >= MOST) {
      composerNote(TOO_MANY);
      break;
    }
    const entry = { name: file.name || "pasted image.png" };
    attached.push(entry);
    entry.upload = upload(entry, file);
  }
  draw();
}

async function upload(entry, file) {
  entry.file = isDocument(entry.name) ? file : await smaller(file); // a document: read on the server (documents.js)
  if (!isDocument(entry.name)) entry.url = URL.createObjectURL(entry.file);
  draw();
  const slow = setTimeout(() => { entry.slow = true; draw(); }, SLOW_READING_MS);
  try {
    const response = await api("/api/attachments?name=" + encodeURIComponent(entry.name), "POST", entry.file);
    entry.attachment = await response.json();
  } catch (e) { // not an image, too large, the server gone: said, and the thumbnail goes
    forget(entry);
    composerNote(e.message);
  } finally {
    clearTimeout(slow);
  }
  draw();
}

/**
 * The picture at most LONGEST_SIDE pixels long, as JPEG, when it is larger than that or than
 * SMALL_ENOUGH; otherwise the file itself. A file this browser cannot read as a picture goes
 * as it is: the server says what it is.
 */
async function smaller(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (e) {
    return file;
  }
  const longest = Math.max(bitmap.width, bitmap.height);
  if (longest <= LONGEST_SIDE && file.size <= SMALL_ENOUGH) {
    bitmap.close();
    return file;
  }
  const scale = Math.min(1, LONGEST_SIDE / longest);
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // JPEG has no transparency: clear parts become white, not black
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const jpeg = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
  return jpeg || file;
}

function forget(entry) {
  attached = attached.filter((e) => e !== entry);
  if (entry.url) URL.revokeObjectURL(entry.url);
}

/** The thumbnails above the input, each with its remove button. */
function draw() {
  const items = attached.map((entry) => {
    const item = element("div", "thumb" + (isDocument(entry.name) ? " document" : "") + (entry.attachment ? "" : " uploading"));
    if (isDocument(entry.name)) item.append(documentChip(entry.name));
    if (isDocument(entry.name) && !entry.attachment) item.append(readingNote(entry.slow));
    if (entry.url) item.append(picture(entry.url, entry.name));
    const remove = element("button", "remove", "\u00d7");
    remove.type = "button";
    remove.setAttribute("aria-label", "Remove " + entry.name);
    remove.addEventListener("click", () => {
      forget(entry);
      composerNote("");
      draw();
    });
    item.append(remove);
    return item;
  });
  $("attached").replaceChildren(...items);
  $("attached").hidden = !items.length;
}

function picture(url, name) {
  const img = element("img");
  img.src = url;
  img.alt = name;
  img.title = name;
  return img;
}

/** The images for the message being sent, once they are on the server; the list is then empty again. */
export async function takeAttached() {
  await Promise.all(attached.map((entry) => entry.upload));
  const taken = attached.filter((entry) => entry.attachment);
  attached = [];
  draw();
  return taken;
}

/** A message that could not be sent gives its images back, to send again. */
export function putBack(taken) {
  attached = [...taken, ...attached].slice(0, MOST + taken.filter((e) => isDocument(e.name)).length);
  draw();
}

/**
 * The images of a message, in its bubble: from the thumbnails just shown (TAKEN), or, for a
 * conversation opened again, fetched with this run's secret and shown from memory (a plain
 * <img src> cannot send the secret).
 */
export function imagesOf(attachments, taken) {
  const images = element("div", "images");
  for (const attachment of attachments.filter((a) => a.kind === "image")) {
    const mine = (taken || []).find((entry) => entry.attachment && entry.attachment.file === attachment.file);
    if (mine) {
      images.append(picture(mine.url, attachment.name));
      continue;
    }
    const shown = element("span", "image-missing", attachment.name);
    images.append(shown);
    fetchPicture(attachment).then((url) => shown.replaceWith(picture(url, attachment.name)),
      () => { shown.textContent = attachment.name + " (no longer kept)"; });
  }
  return images;
}

async function fetchPicture(attachment) {
  const response = await api("/api/attachments/" + encodeURIComponent(attachment.file));
  return URL.createObjectURL(await response.blob());
}
