// bnaGPT's page: listen and speak. A microphone button in the composer records your question
// (the browser's MediaRecorder); the server has it transcribed (POST /api/transcribe) and the
// text lands in the input, to be read and sent: nothing is sent by itself. A "Read aloud"
// button on each answer reads it: the server cuts the answer into pieces of at most 200
// characters at sentence ends (POST /api/speech/pieces), each piece is spoken by the server
// (POST /api/speech, a wav), and the next piece is asked for while one plays, so the speech
// starts after the first piece. Stop ends the speech and asks for nothing more. The voice is
// a setting in the sidebar, kept in this browser.
import { $, SECRET_HEADER, SECRET_KEY, api, checked, element, hasSecret } from "./common.js";

const VOICE_KEY = "bnagpt-voice";
const MOST_RECORDING_BYTES = 25 * 1024 * 1024; // Groq transcribes at most 25 MB
const TOO_LONG = "The recording is over the 25 MB Groq transcribes: record a shorter question.";

// ---- The voice setting ----------------------------------------------------------------

function addVoiceSetting(voices) {
  const select = element("select");
  select.id = "voice";
  select.append(...voices.map((name) => new Option(name, name)));
  const kept = localStorage.getItem(VOICE_KEY);
  if (voices.includes(kept)) select.value = kept;
  select.addEventListener("change", () => localStorage.setItem(VOICE_KEY, select.value));
  const label = element("label", "", "Voice (Read aloud) ");
  label.append(select);
  $("theme").before(label);
}

// ---- Listen: the microphone -------------------------------------------------------------

const microphone = { recorder: null, chunks: [], bytes: 0, tooLong: false };

function addMicrophone() {
  const button = element("button", "", "\u{1F3A4}");
  button.id = "mic";
  button.type = "button";
  button.title = "Ask by voice: click, speak, click again";
  button.setAttribute("aria-label", "Record a question");
  button.setAttribute("aria-pressed", "false");
  button.addEventListener("click", () => (microphone.recorder ? stopRecording() : startRecording()));
  $("send").before(button);
  const note = element("p", "voice-note");
  note.id = "voice-note";
  note.setAttribute("role", "status");
  note.hidden = true;
  $("composer").before(note);
}

function say(sentence) {
  $("voice-note").textContent = sentence || "";
  $("voice-note").hidden = !sentence;
}

function setMicState(state) {
  const button = $("mic");
  button.dataset.state = state;
  button.disabled = state === "transcribing";
  button.setAttribute("aria-pressed", String(state === "recording"));
  button.setAttribute("aria-label", { idle: "Record a question", recording: "Stop recording",
    transcribing: "Transcribing" }[state]);
  button.textContent = { idle: "\u{1F3A4}", recording: "Stop", transcribing: "\u2026" }[state];
}

async function startRecording() {
  say("");
  let stream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch (e) {
    say("The browser did not allow the microphone: " + (e.message || e.name) + ". Allow it for this page (the icon "
      + "left of the address), or type your question.");
    return;
  }
  const type = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4"].find((t) => MediaRecorder.isTypeSupported(t));
  const recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
  Object.assign(microphone, { recorder, chunks: [], bytes: 0, tooLong: false });
  recorder.addEventListener("dataavailable", (event) => {
    microphone.chunks.push(event.data);
    microphone.bytes += event.data.size;
    if (microphone.bytes > MOST_RECORDING_BYTES && !microphone.tooLong) { // no use recording what cannot be sent
      microphone.tooLong = true;
      stopRecording();
    }
  });
  recorder.addEventListener("stop", () => {
    stream.getTracks().forEach((track) => track.stop()); // the browser's "recording" light goes off
    const recording = new Blob(microphone.chunks, { type: recorder.mimeType });
    microphone.recorder = null;
    if (microphone.tooLong || recording.size > MOST_RECORDING_BYTES) {
      setMicState("idle");
      say(TOO_LONG);
      return;
    }
    transcribe(recording);
  });
  recorder.start(1000); // a piece a second, so the size is known while it records
  setMicState("recording");
}

function stopRecording() {
  if (microphone.recorder && microphone.recorder.state !== "inactive") microphone.recorder.stop();
}

/** The recording goes to the server; what was said lands in the input, after what is typed there. */
async function transcribe(recording) {
  setMicState("transcribing");
  try {
    let response;
    try {
      response = await fetch("/api/transcribe", {
        method: "POST",
        headers: { [SECRET_HEADER]: localStorage.getItem(SECRET_KEY) || "", "Content-Type": recording.type || "audio/webm" },
        body: recording,
      });
    } catch (e) {
      throw new Error("The recording did not reach the page's server: try again.");
    }
    const { text } = await (await checked(response)).json();
    const prompt = $("prompt");
    prompt.value = prompt.value.trim() ? prompt.value.trimEnd() + " " + text : text;
    prompt.dispatchEvent(new Event("input")); // the input grows to fit it
    prompt.focus();
  } catch (e) {
    say(e.message);
  }
  setMicState("idle");
}

// ---- Speak: Read aloud ----------------------------------------------------------------------

let reading = null; // { button, context, stopped, finish } while an answer is read aloud

function addReadAloud(bubble) {
  const body = bubble.querySelector(".body");
  if (bubble.querySelector(".read-aloud") || !body || !body.textContent.trim()) return;
  const button = element("button", "read-aloud", "Read aloud");
  button.type = "button";
  button.addEventListener("click", () => (reading && reading.button === button ? stopReading() : readAloud(bubble, button)));
  bubble.append(button);
}

/** The answer as heard: its rendered text, a line per block, without the code blocks' bars. */
function spokenText(body) {
  const copy = body.cloneNode(true);
  copy.querySelectorAll(".code-bar").forEach((bar) => bar.remove());
  copy.querySelectorAll("p, li, h1, h2, h3, h4, h5, h6, pre, tr, blockquote, br").forEach((block) => block.after("\n"));
  return copy.textContent;
}

async function readAloud(bubble, button) {
  stopReading();
  const current = { button, context: new AudioContext(), stopped: false, finish: () => {} };
  reading = current;
  button.classList.add("reading");
  button.textContent = "Stop";
  bubble.querySelectorAll(".voice-error").forEach((old) => old.remove());
  try {
    const { pieces, notice } = await (await api("/api/speech/pieces", "POST", { text: spokenText(bubble.querySelector(".body")) })).json();
    if (notice && !bubble.querySelector(".voice-notice")) button.before(element("p", "note voice-notice", notice));
    button.dataset.pieces = pieces.length;
    let next = speech(pieces[0]);
    for (let i = 0; i < pieces.length && !current.stopped; i++) {
      const wav = await next;
      next = i + 1 < pieces.length ? speech(pieces[i + 1]) : null; // asked for while this one plays
      if (current.stopped) break;
      button.dataset.piece = i + 1;
      button.textContent = "Stop (" + (i + 1) + "/" + pieces.length + ")";
      await play(current, wav);
    }
    if (next) next.catch(() => {}); // stopped: a piece on its way is not played
  } catch (e) {
    if (!current.stopped) button.before(element("p", "error voice-error", e.message));
  }
  if (reading === current) stopReading();
}

async function speech(text) {
  const voice = $("voice") ? $("voice").value : undefined;
  return (await api("/api/speech", "POST", { text, voice })).blob();
}

/**
 * Plays one piece through the Web Audio API (an <audio> element would need the page's
 * Content-Security-Policy to allow blob: media); resolves when it has ended, or at Stop.
 */
async function play(current, wav) {
  let sound;
  try {
    sound = await current.context.decodeAudioData(await wav.arrayBuffer());
  } catch (e) {
    throw new Error("This browser could not play the speech the server sent.");
  }
  if (current.stopped) return;
  await new Promise((resolve) => {
    const source = current.context.createBufferSource();
    source.buffer = sound;
    source.connect(current.context.destination);
    source.onended = resolve;
    current.finish = () => {
      source.onended = null;
      source.stop();
      resolve();
    };
    source.start();
  });
}

function stopReading() {
  if (!reading) return;
  const current = reading;
  reading = null;
  current.stopped = true;
  current.finish();
  current.context.close();
  current.button.classList.remove("reading");
  current.button.textContent = "Read aloud";
  delete current.button.dataset.piece;
}

// ---- Start ------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  if (document.querySelector('meta[name="bnagpt-secret"]') || !hasSecret()) return; // page.js takes it, or locks
  let voices;
  try {
    voices = (await (await api("/api/voices")).json()).voices;
  } catch (e) {
    return; // a server without voice: the page has no microphone and no Read aloud
  }
  addVoiceSetting(voices);
  if (navigator.mediaDevices && window.MediaRecorder) addMicrophone();
  // Every answer, once whole (streamed now, or opened from the sidebar), gets its button.
  const observer = new MutationObserver(() => {
    if (reading && !reading.button.isConnected) stopReading(); // another conversation is shown now
    document.querySelectorAll('#messages .message.assistant .bubble[data-complete="true"]').forEach(addReadAloud);
  });
  observer.observe($("messages"), { childList: true, subtree: true, attributes: true, attributeFilter: ["data-complete"] });
});
