// citebot's chat page. Documents are untrusted: every piece of their text
// goes into the page through textContent or text nodes, never parsed as
// HTML.
"use strict";

(function () {
  const form = document.getElementById("ask-form");
  const input = document.getElementById("question");
  const button = document.getElementById("ask");
  const answers = document.getElementById("answers");
  const status = document.getElementById("status");
  const sources = document.getElementById("sources");
  const tokenBox = document.getElementById("token-box");
  const tokenForm = document.getElementById("token-form");
  const tokenInput = document.getElementById("token");
  const TOKEN_KEY = "citebot.token";

  function token() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch (e) { return ""; }
  }

  // api calls citebot's JSON API, adding the bearer token when one is
  // saved. It resolves to {ok, status, body}.
  async function api(path, init) {
    init = init || {};
    const headers = Object.assign({ "Accept": "application/json" }, init.headers || {});
    const t = token();
    if (t) headers["Authorization"] = "Bearer " + t;
    const resp = await fetch(path, Object.assign({}, init, { headers: headers }));
    let body = null;
    try { body = await resp.json(); } catch (e) { body = null; }
    if (resp.status === 401) askForToken();
    return { ok: resp.ok, status: resp.status, body: body };
  }

  function askForToken() {
    tokenBox.open = true;
    status.textContent = "This server needs an access token. Enter it under “Access token”.";
    tokenInput.focus();
  }

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // citationLine is "headline — publisher, author, date · paragraph N",
  // leaving out what the document lacks (as the terminal adapter does).
  function citationLine(c) {
    const p = el("p", "citation");
    p.append(el("cite", "", c.title || c.doc));
    const parts = [c.publisher, c.author, c.date].filter(Boolean);
    if (parts.length) p.append(" — " + parts.join(", "));
    p.append(" · paragraph " + c.paragraph);
    if (/^https?:\/\//i.test(c.url || "")) {
      p.append(" · ");
      const a = el("a", "", c.url);
      a.href = c.url;
      a.rel = "noopener noreferrer";
      p.append(a);
    }
    return p;
  }

  // quote renders a citation's quote with its answer span in <mark>. The
  // highlight is in document byte offsets (UTF-8), so the quote is cut as
  // bytes, not as JavaScript's UTF-16 string indexes.
  function quote(c) {
    const bq = el("blockquote");
    const h = c.highlight;
    const bytes = new TextEncoder().encode(c.quote);
    if (!h || h.start < c.start || h.end > c.end || h.start >= h.end || h.end - c.start > bytes.length) {
      bq.textContent = c.quote;
      return bq;
    }
    const dec = new TextDecoder();
    const s = h.start - c.start, e = h.end - c.start;
    bq.append(dec.decode(bytes.subarray(0, s)), el("mark", "", dec.decode(bytes.subarray(s, e))), dec.decode(bytes.subarray(e)));
    return bq;
  }

  function quotes(list) {
    const ol = el("ol", "quotes");
    for (const c of list) {
      const li = el("li");
      li.append(quote(c), citationLine(c));
      ol.append(li);
    }
    return ol;
  }

  function renderAnswer(question, res) {
    const art = el("article", "answer");
    art.append(el("h3", "", "Q: " + question));
    const r = res.body;
    if (!res.ok || !r || r.error) {
      const msg = r && r.error ? r.error.message : "The server answered " + res.status + ".";
      art.append(el("p", "error", msg));
    } else if (r.answered) {
      const p = el("p", "short");
      p.append(el("strong", "", "Answer: "), el("span", "short-answer", r.answer));
      art.append(p, quotes(r.citations || []));
    } else {
      let text = "Not in the documents.";
      if (r.reason) text = "Not in the documents (" + r.reason + ").";
      art.append(el("p", "declined", text));
      if (r.closest && r.closest.length) {
        art.append(el("h4", "", "Closest passages"), quotes(r.closest));
      }
    }
    answers.prepend(art);
  }

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) { input.focus(); return; }
    button.disabled = true;
    answers.setAttribute("aria-busy", "true");
    status.textContent = "Looking through the documents…";
    try {
      const res = await api("/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ question: q }),
      });
      if (res.status !== 401) {
        renderAnswer(q, res);
        status.textContent = "";
        input.value = "";
      }
    } catch (e) {
      status.textContent = "citebot could not be reached: " + e.message;
    } finally {
      button.disabled = false;
      answers.removeAttribute("aria-busy");
      if (!tokenBox.open) input.focus();
    }
  });

  tokenForm.addEventListener("submit", function (ev) {
    ev.preventDefault();
    try { sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()); } catch (e) { /* private mode */ }
    tokenInput.value = "";
    tokenBox.open = false;
    status.textContent = "Token saved for this tab.";
    loadSources();
    input.focus();
  });

  async function loadSources() {
    let res;
    try {
      res = await api("/api/sources");
    } catch (e) {
      sources.replaceChildren(el("li", "error", "The sources could not be loaded: " + e.message));
      return;
    }
    if (!res.ok || !Array.isArray(res.body)) {
      const msg = res.body && res.body.error ? res.body.error.message : "The sources could not be loaded.";
      sources.replaceChildren(el("li", "error", msg));
      return;
    }
    const items = res.body.map(function (s) {
      const li = el("li");
      li.append(el("cite", "", s.title || s.doc));
      const parts = [s.publisher, s.author, s.date].filter(Boolean);
      if (parts.length) li.append(" — " + parts.join(", "));
      li.append(" (" + s.passages + (s.passages === 1 ? " passage)" : " passages)"));
      return li;
    });
    if (!items.length) items.push(el("li", "", "No documents are indexed."));
    sources.replaceChildren(...items);
  }

  loadSources();
})();
