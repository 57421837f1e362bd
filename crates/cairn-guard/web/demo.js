// The demo page's logic: the detector is the wasm-bindgen package in ./pkg (see
// docs/chat-check.md for how to build it). Results are rendered with textContent only, never as
// HTML, because the pasted text is untrusted.
const $ = (id) => document.getElementById(id);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function renderConversation(c) {
  const box = el("div", undefined, "conversation");
  const head = el("p");
  head.append(el("span", c.level, `level level-${c.level}`));
  head.append(` risk ${c.risk.toFixed(2)} · ${c.messages} messages · read as ${c.format}`);
  if (c.alert_at !== null) head.append(` · warned at message ${c.alert_at + 1}`);
  box.append(head);
  if (c.contributions.length > 0) {
    box.append(el("h3", "Why"));
    const ul = el("ul");
    for (const k of c.contributions) {
      ul.append(el("li", `${k.value.toFixed(2)} — ${k.explanation || k.source}`));
    }
    box.append(ul);
  }
  if (c.signals.length > 0) {
    box.append(el("h3", "Signals"));
    const ul = el("ul");
    for (const s of c.signals) {
      const li = el("li", `message ${s.message + 1} (${s.author}), ${s.id} [${s.stage}]: `);
      li.append(el("span", s.evidence, "evidence"));
      ul.append(li);
    }
    box.append(ul);
  }
  return box;
}

function render(out) {
  const result = $("result");
  result.replaceChildren();
  for (const e of out.errors) result.append(el("p", `${e.locator}: ${e.message}`, "error"));
  for (const c of out.conversations) result.append(renderConversation(c));
  if (out.conversations.length === 0 && out.errors.length === 0) {
    result.append(el("p", "Nothing to check."));
  }
}

try {
  const guard = await import("./pkg/cairn_guard.js");
  await guard.default();
  $("versions").textContent = guard.versions();
  $("check").disabled = false;
  $("status").textContent = "";
  $("check").addEventListener("click", () => {
    try {
      render(JSON.parse(guard.checkText($("text").value, $("lang").value)));
    } catch (e) {
      $("result").replaceChildren(el("p", String(e), "error"));
    }
  });
} catch (e) {
  $("status").textContent =
    "The WASM package (./pkg) is missing: build it as docs/chat-check.md explains. " + String(e);
}
