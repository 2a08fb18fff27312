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
  const modeAsk = document.getElementById("mode-ask");
  const modeQuote = document.getElementById("mode-quote");
  const who = document.getElementById("who");
  const whoRow = document.getElementById("who-row");
  const label = document.querySelector('label[for="question"]');
  const hint = document.getElementById("ask-hint");
  const TOKEN_KEY = "citebot.token";
  // What the server fills in (httpapi pageData): low_confidence, under
  // which an answer is cautioned, the caution's words, and the examples
  // of the question box.
  const pageData = JSON.parse(document.getElementById("page-data").textContent);

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

  // place is where a quote is in its document: "p. 2 · paragraph 12" for
  // a PDF, "paragraph 12" for a document without pages (as bot.Place
  // words it for every other surface; the browser tests hold the page to
  // it).
  function place(c) {
    const parts = [];
    if (c.page > 0) parts.push("p. " + c.page);
    if (c.paragraph > 0) parts.push("paragraph " + c.paragraph);
    return parts.join(" · ");
  }

  // citationLine is "headline — publisher, author, date · p. P ·
  // paragraph N", leaving out what the document lacks (as the terminal
  // adapter does).
  function citationLine(c) {
    const p = el("p", "citation");
    p.append(el("cite", "", c.title || c.doc));
    const parts = [c.publisher, c.author, c.date].filter(Boolean);
    if (parts.length) p.append(" — " + parts.join(", "));
    const where = place(c);
    if (where) p.append(" · " + where);
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

  // sourcesNote is "2 sources agree: 7,500 · as of 2025-11-28": what the
  // answer says about its sources (as bot.SourcesNote words it).
  function sourcesNote(r) {
    const parts = [];
    if (r.agreement && r.agreement.summary) parts.push(r.agreement.summary);
    if (r.as_of) parts.push("as of " + r.as_of);
    return parts.join(" · ");
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
      if (r.confidence < pageData.low_confidence) {
        // It may not answer: the caution comes first, and the short
        // answer is not set as a confident fact.
        art.append(el("p", "caution", pageData.caution));
        p.classList.add("unsure");
        p.append("Answer: ", el("span", "short-answer", r.answer));
      } else {
        p.append(el("strong", "", "Answer: "), el("span", "short-answer", r.answer));
      }
      art.append(p);
      const note = sourcesNote(r);
      if (note) art.append(el("p", "sources-note", note));
      art.append(quotes(r.citations || []));
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

  // marked renders a matched passage: the document's words that differ
  // from the checked text in <mark class="diff">, the matched words
  // underlined (or, for who said it, the speaker's words in <mark>).
  // Offsets are document bytes (UTF-8), so the quote is cut as bytes;
  // marks that do not fit the quote are left out.
  function marked(c, diffs, whoMode) {
    const bq = el("blockquote");
    const bytes = new TextEncoder().encode(c.quote);
    const dec = new TextDecoder();
    const n = bytes.length;
    const inQuote = function (s, e) { return s >= c.start && e <= c.end && s < e && e - c.start <= n; };
    const emph = new Uint8Array(n), diff = new Uint8Array(n);
    const h = c.highlight;
    if (h && inQuote(h.start, h.end)) emph.fill(1, h.start - c.start, h.end - c.start);
    for (const d of diffs || []) {
      if (inQuote(d.start, d.end)) diff.fill(1, d.start - c.start, d.end - c.start);
    }
    let start = 0;
    for (let i = 1; i <= n; i++) {
      if (i < n && emph[i] === emph[start] && diff[i] === diff[start]) continue;
      const text = dec.decode(bytes.subarray(start, i));
      if (diff[start]) bq.append(el("mark", "diff", text));
      else if (emph[start]) bq.append(whoMode ? el("mark", "", text) : el("span", "match", text));
      else bq.append(text);
      start = i;
    }
    return bq;
  }

  function differencesNote(diffs) {
    const parts = (diffs || []).map(function (d) {
      return (d.expected ? "“" + d.expected + "”" : "—") + " → " + (d.found ? "“" + d.found + "”" : "—");
    });
    return parts.length ? "Your text → the document: " + parts.join("; ") : "";
  }

  function passages(list, whoMode) {
    const ol = el("ol", "quotes");
    for (const m of list) {
      const li = el("li");
      li.append(marked(m, m.differences, whoMode), citationLine(m));
      if (whoMode) li.append(el("p", "speaker", m.speaker ? "Said by " + m.speaker : "No speaker named here"));
      const note = differencesNote(m.differences);
      if (note) li.append(el("p", "differences", note));
      ol.append(li);
    }
    return ol;
  }

  function renderQuote(text, whoMode, res) {
    const art = el("article", "answer quote-check");
    const bare = text.replace(/^["“”‘’']+|["“”‘’']+$/g, "");
    art.append(el("h3", "", (whoMode ? "Who said: “" : "Quote: “") + bare + "”"));
    const r = res.body;
    if (!res.ok || !r || r.error) {
      const msg = r && r.error ? r.error.message : "The server answered " + res.status + ".";
      art.append(el("p", "error", msg));
    } else {
      // The verdict in the server's words (bot.QuoteReply.Headline),
      // as every other surface says it: a near match is called near
      // before anyone is named.
      art.append(el("p", "verdict verdict-" + r.verdict, r.headline));
      const list = whoMode ? r.sources : r.matches;
      if (list && list.length) art.append(passages(list, whoMode));
      const others = r.verdict === "exact" ? r.variants : r.closest;
      if (!whoMode && others && others.length) {
        art.append(el("h4", "", r.verdict === "exact" ? "Worded differently elsewhere" : "Closest passages"), passages(others, false));
      }
    }
    answers.prepend(art);
  }

  // setMode switches the form between asking, checking quotes and
  // asking who said them.
  function setMode() {
    const quoting = modeQuote.checked;
    const ex = pageData.examples;
    label.textContent = quoting ? "Quote to check" : "Your question";
    input.placeholder = quoting ? (who.checked ? ex.who : ex.quote) : ex.question;
    button.textContent = quoting ? "Check" : "Ask";
    hint.textContent = quoting ? "Press Enter to check. Curly or straight quotes, case and … for omitted words do not matter." : "Press Enter to ask.";
    whoRow.hidden = !quoting;
  }
  modeAsk.addEventListener("change", setMode);
  modeQuote.addEventListener("change", setMode);
  who.addEventListener("change", setMode);
  setMode();

  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const q = input.value.trim();
    if (!q) { input.focus(); return; }
    const quoting = modeQuote.checked, whoMode = quoting && who.checked;
    button.disabled = true;
    answers.setAttribute("aria-busy", "true");
    status.textContent = quoting ? "Checking the quote against the documents…" : "Looking through the documents…";
    try {
      const res = await api(quoting ? "/api/quote" : "/api/ask", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(quoting ? { text: q, who: whoMode } : { question: q }),
      });
      if (res.status !== 401) {
        if (quoting) renderQuote(q, whoMode, res);
        else renderAnswer(q, res);
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
