"use strict";
// The cluster browser of the dedup report. Every scraped string reaches the page through
// textContent or a checked href, never through innerHTML: article text is hostile input.
(function () {
  const DATA = JSON.parse(document.getElementById("report-data").textContent);
  const [ID, URL_, OUTLET, DATE, SCRIPT, SIM, METHOD, TITLE, PRINTED] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const outletNames = DATA.outlets;
  const texts = DATA.texts;
  const $ = (id) => document.getElementById(id);
  const controls = {
    q: $("f-q"), outlet: $("f-outlet"), script: $("f-script"), from: $("f-from"), to: $("f-to"),
    min: $("f-min"), max: $("f-max"), changed: $("f-changed"), simplified: $("f-simplified"),
  };
  const MOVE_MIN_CHARS = 12;   // shorter paragraphs ("（完）") repeat too often to be called moves
  let matching = [];
  let activeArea = null;
  let shown = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeLink(url, label) {
    let parsed = null;
    try { parsed = new URL(url); } catch (error) { parsed = null; }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return el("span", "url", label);
    const link = el("a", "url", label);
    link.href = parsed.href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    return link;
  }

  // Search and filter fields are computed once, so filtering 10,000 clusters stays instant.
  for (const cluster of DATA.clusters) {
    const members = cluster.m;
    cluster.outletSet = new Set(members.map((m) => m[OUTLET]));
    cluster.scriptSet = new Set(members.map((m) => m[SCRIPT]));
    cluster.days = members.map((m) => (m[DATE] || "").slice(0, 10)).filter(Boolean).sort();
    cluster.hay = members.map((m) => [m[TITLE], m[URL_], outletNames[m[OUTLET]]].join(" ")).join(" ").toLowerCase()
      + " " + cluster.id.toLowerCase() + " " + textOf(members[0][ID], false).toLowerCase();
  }

  function matches(cluster, f) {
    if (cluster.n < f.min || cluster.n > f.max) return false;
    if (f.outlet !== "" && !cluster.outletSet.has(Number(f.outlet))) return false;
    if (f.script === "cross" ? !cluster.x : f.script !== "" && !cluster.scriptSet.has(f.script)) return false;
    if (f.changed && !cluster.c) return false;
    if (f.from || f.to) {
      const inRange = cluster.days.some((day) => (!f.from || day >= f.from) && (!f.to || day <= f.to));
      if (!inRange) return false;
    }
    return !f.q || f.q.every((word) => cluster.hay.includes(word));
  }

  function readFilters() {
    const number = (input, fallback) => (input.value === "" ? fallback : Number(input.value));
    return {
      q: controls.q.value.trim().toLowerCase().split(/\s+/).filter(Boolean),
      outlet: controls.outlet.value, script: controls.script.value,
      from: controls.from.value, to: controls.to.value,
      min: number(controls.min, 1), max: number(controls.max, Infinity),
      changed: Boolean(controls.changed && controls.changed.checked),
    };
  }

  function applyFilters() {
    const f = readFilters();
    matching = DATA.clusters.filter((cluster) => matches(cluster, f));
    $("clusters").replaceChildren();
    shown = 0;
    showMore();
  }

  function showMore() {
    const list = $("clusters");
    const page = document.createDocumentFragment();
    const end = Math.min(shown + DATA.page_size, matching.length);
    for (let i = shown; i < end; i++) page.appendChild(clusterCard(matching[i]));
    list.appendChild(page);
    shown = end;
    $("count").textContent = `${matching.length.toLocaleString("en")} of ${DATA.clusters.length.toLocaleString("en")} clusters`
      + (matching.length ? `, showing ${shown.toLocaleString("en")}` : "");
    $("more").hidden = shown >= matching.length;
  }

  function clusterCard(cluster) {
    const canonical = cluster.m[0];
    const card = el("article", "cluster");
    card.dataset.clusterId = cluster.id;
    const head = el("button", "cluster-head");
    head.type = "button";
    head.setAttribute("aria-expanded", "false");
    head.appendChild(el("span", "size", cluster.n));
    head.appendChild(el("span", "title", canonical[TITLE] || canonical[URL_]));
    const outlets = [...cluster.outletSet].map((i) => outletNames[i] || "(no outlet)").join(", ");
    const days = cluster.days.length ? `${cluster.days[0]} – ${cluster.days[cluster.days.length - 1]}` : "no date";
    head.appendChild(el("span", "meta", `${outlets} · ${days}`));
    if (cluster.x) head.appendChild(el("span", "badge cross", "cross-script"));
    if (cluster.c) head.appendChild(el("span", "badge changed", "changed"));
    if (cluster.p) head.appendChild(el("span", "badge changed", `${cluster.p} since last report`));
    if (cluster.d) head.appendChild(el("span", "badge decided", `decision${cluster.d > 1 ? "s" : ""}: ${cluster.d}`));
    card.appendChild(head);
    head.addEventListener("click", () => {
      const open = head.getAttribute("aria-expanded") === "true";
      head.setAttribute("aria-expanded", String(!open));
      if (open) { card.querySelector(".cluster-body").remove(); return; }
      card.appendChild(clusterBody(cluster));
    });
    return card;
  }

  function clusterBody(cluster) {
    const body = el("div", "cluster-body");
    const about = el("p", "note", `cluster ${cluster.id} · canonical: ${cluster.r} · `);
    const permalink = el("a", "", "link to this cluster");
    permalink.href = `#cluster=${encodeURIComponent(cluster.id)}`;
    about.appendChild(permalink);
    body.appendChild(about);
    const table = el("table", "members");
    const header = el("tr");
    for (const name of ["", "outlet", "published", "script", "similarity", "title / original", "decide"]) header.appendChild(el("th", "", name));
    table.appendChild(header);
    const diffArea = el("div", "diff-area");
    cluster.m.forEach((member, index) => {
      const row = el("tr", index === 0 ? "canonical" : "");
      const action = el("td");
      if (index === 0) action.appendChild(el("span", "badge", "canonical"));
      else {
        const button = el("button", "show-diff", "diff");
        button.type = "button";
        button.addEventListener("click", () => {
          showDiff(diffArea, cluster.m[0], member);
          for (const other of table.querySelectorAll("tr.selected")) other.classList.remove("selected");
          row.classList.add("selected");
          diffArea.scrollIntoView({ block: "nearest" });
        });
        action.appendChild(button);
      }
      row.appendChild(action);
      row.appendChild(el("td", "", outletNames[member[OUTLET]] || "(no outlet)"));
      row.appendChild(el("td", "", (member[DATE] || "").replace("T", " ")));
      row.appendChild(el("td", "", member[SCRIPT] || "?"));
      row.appendChild(el("td", "num", `${(member[SIM] * 100).toFixed(1)}%${index ? " " + member[METHOD] : ""}`));
      const cell = el("td", "title-cell");
      cell.appendChild(el("div", "", member[TITLE] || "(untitled)"));
      cell.appendChild(safeLink(member[URL_], member[URL_]));
      if (member[PRINTED]) {   // a story of a multi-story page: the page it came from
        const printed = el("div", "printed", `page ${member[PRINTED][1] || ""} `);
        printed.appendChild(safeLink(member[PRINTED][0], member[PRINTED][0]));
        cell.appendChild(printed);
      }
      row.appendChild(cell);
      row.appendChild(decideCell(cluster, member, index));
      table.appendChild(row);
    });
    body.appendChild(mergeToggle(cluster));
    body.appendChild(table);
    body.appendChild(diffArea);
    if (cluster.m.length > 1) {
      showDiff(diffArea, cluster.m[0], cluster.m[1]);
      table.rows[2].classList.add("selected");
    }
    else {
      const only = cluster.m[0][ID];
      body.appendChild(el("p", "excerpt", textOf(only, false) + ((texts[only] || {}).cut ? " …" : "")));
    }
    return body;
  }

  // Decisions: made by clicking; sent to the review server (with its CSRF token) or kept for download.
  const made = [];
  const mergeSelection = new Map();
  const clusterOfUrl = new Map();
  for (const cluster of DATA.clusters) for (const m of cluster.m) clusterOfUrl.set(m[URL_], cluster);

  function decideCell(cluster, member, index) {
    const cell = el("td", "decide-cell");
    if (index === 0) return cell;
    const split = el("button", "d-split", "not the same story");
    split.type = "button";
    split.title = "Split this copy out of the cluster: it is never merged with the others again";
    split.addEventListener("click", () => decide("split", [member[URL_], ...cluster.m.filter((m) => m !== member).map((m) => m[URL_])]));
    const canonical = el("button", "d-canonical", "make canonical");
    canonical.type = "button";
    canonical.addEventListener("click", () => decide("canonical", [member[URL_]]));
    cell.append(split, canonical);
    return cell;
  }

  function mergeToggle(cluster) {
    const label = el("label", "check d-select-label");
    const box = el("input", "d-select");
    box.type = "checkbox";
    box.checked = mergeSelection.has(cluster.id);
    box.addEventListener("change", () => {
      if (box.checked) mergeSelection.set(cluster.id, cluster.m[0][URL_]); else mergeSelection.delete(cluster.id);
      $("d-merge").disabled = mergeSelection.size < 2;
      $("d-merge").textContent = `Merge the ${mergeSelection.size} selected clusters`;
    });
    label.append(box, document.createTextNode(" select to merge with other clusters (same story)"));
    return label;
  }

  function decide(action, urls) {
    const decision = { action, urls, editor: $("d-editor").value.trim() || null, note: $("d-note").value.trim() || null,
      created_at: new Date().toISOString() };
    if (!DATA.review) { remember(decision, "kept in this page"); return; }
    fetch("api/decisions", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Newscorpus-Token": DATA.review.token },
      body: JSON.stringify(decision),
    }).then((response) => response.json().then((body) => {
      if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
      decision.id = body.id;
      remember(decision, `saved as #${body.id}`);
    })).catch((error) => { $("d-status").textContent = `Not saved: ${error.message}`; });
  }

  function remember(decision, state) {
    made.push(decision);
    const item = el("li", "", `${decision.action}: ${decision.urls.join("  ·  ")}`);
    item.appendChild(el("span", "note", ` — ${decision.editor || "(anonymous)"}${decision.note ? ": " + decision.note : ""} · ${state}`));
    $("d-list").appendChild(item);
    $("d-count").textContent = `(${made.length})`;
    $("d-status").textContent = `${decision.action} ${state}.`;
    $("d-download").hidden = Boolean(DATA.review);
    $("decide").open = true;
    const touched = new Set(decision.urls.map((url) => clusterOfUrl.get(url)).filter(Boolean));
    for (const cluster of touched) {
      cluster.d = (cluster.d || 0) + 1;
      const card = [...document.querySelectorAll(".cluster")].find((c) => c.dataset.clusterId === cluster.id);
      if (!card) continue;
      let badge = card.querySelector(".badge.decided");
      if (!badge) { badge = el("span", "badge decided"); card.querySelector(".cluster-head").appendChild(badge); }
      badge.textContent = `decision${cluster.d > 1 ? "s" : ""}: ${cluster.d}`;
    }
    if (decision.action === "merge") {
      mergeSelection.clear();
      for (const box of document.querySelectorAll(".d-select")) box.checked = false;
      $("d-merge").disabled = true;
    }
  }

  function downloadDecisions() {
    const lines = made.map((d) => JSON.stringify({ action: d.action, urls: d.urls, editor: d.editor, note: d.note, created_at: d.created_at }) + "\n");
    const link = el("a");
    link.href = URL.createObjectURL(new Blob(lines, { type: "application/x-ndjson" }));
    link.download = `decisions-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function setUpDecisions() {
    $("d-how").textContent = DATA.review
      ? "Saved to the workspace as you make them; the next `newscorpus dedup` applies them."
      : "This page is read-only: decisions stay here until you download them, then run "
        + "`newscorpus decisions import FILE` and `newscorpus dedup`.";
    if (DATA.review && DATA.review.editor) $("d-editor").value = DATA.review.editor;
    $("d-merge").addEventListener("click", () => decide("merge", [...mergeSelection.values()]));
    $("d-download").addEventListener("click", downloadDecisions);
  }

  function textOf(docId, simplified) {
    const entry = texts[docId] || { t: [] };
    const numbers = simplified && entry.s !== undefined ? entry.s : entry.t;
    return numbers.map((n) => DATA.paragraphs[n]).join("\n");
  }

  function showDiff(area, canonical, member) {
    const simplified = controls.simplified.checked;
    const aText = textOf(canonical[ID], simplified), bText = textOf(member[ID], simplified);
    const pieces = diffTexts(aText, bText, DATA.diff_max_edits);
    const left = el("div", "side"), right = el("div", "side");
    let same = 0, total = 0, hunks = 0, open = false;   // characters as shown: common ones count on both sides
    const moveHunk = new Map();   // a moved paragraph's two places are one change
    for (const [kind, text] of pieces || []) {
      const length = [...text].length;
      total += kind === "same" ? 2 * length : length;
      if (kind === "same") {
        same += 2 * length;
        left.appendChild(document.createTextNode(text));
        right.appendChild(document.createTextNode(text));
        open = false;
        continue;
      }
      if (kind === "move-from" || kind === "move-to") {
        same += length;
        if (!moveHunk.has(text)) moveHunk.set(text, hunks++);
        const mark = el("mark", "moved", text);
        mark.title = kind === "move-from" ? "paragraph moved from here" : "paragraph moved here";
        mark.dataset.hunk = String(moveHunk.get(text));
        (kind === "move-from" ? left : right).appendChild(mark);
        open = false;
        continue;
      }
      if (!open) { hunks++; open = true; }   // a deletion and the insertion beside it are one change
      const node = el(kind, "", text);
      node.dataset.hunk = String(hunks - 1);
      (kind === "del" ? left : right).appendChild(node);
    }
    if (pieces === null) { left.textContent = aText; right.textContent = bText; }
    const ratio = total ? same / total : 1;
    const caption = pieces === null
      ? `These texts differ in more than ${DATA.diff_max_edits} characters; shown without alignment.`
      : `Characters in common: ${(ratio * 100).toFixed(1)}%` + (simplified ? " (compared as Simplified)" : "");
    const cut = [canonical, member].some((m) => (texts[m[ID]] || {}).cut);
    const heads = el("div", "diff-heads");
    heads.appendChild(el("div", "", `canonical · ${outletNames[canonical[OUTLET]] || ""} · ${canonical[SCRIPT] || "?"}`));
    heads.appendChild(el("div", "", `member · ${outletNames[member[OUTLET]] || ""} · ${member[SCRIPT] || "?"}`));
    const grid = el("div", "diff");
    grid.appendChild(left);
    grid.appendChild(right);
    syncScroll(area, left, right);
    const capped = cut ? ` Texts are cut at ${DATA.text_max_chars.toLocaleString("en")} characters; the full text is at the original URL.` : "";
    area.replaceChildren(el("p", "note diff-caption", caption + capped), changeBar(area, hunks), heads, grid);
    area.currentPair = [canonical, member];
    area.hunk = -1;
    activeArea = area;
  }

  // The two panes scroll together, proportionally (texts of different lengths stay side by side).
  // The two panes scroll together, proportionally (texts of different lengths stay side by side).
  // A scroll this code made (following the other pane, or jumping to a change) is not followed back.
  function syncScroll(area, left, right) {
    area.placed = new Map();
    const follow = (from, to) => from.addEventListener("scroll", () => {
      const placed = area.placed.get(from);
      area.placed.delete(from);
      if (placed === from.scrollTop) return;
      const range = from.scrollHeight - from.clientHeight, target = to.scrollHeight - to.clientHeight;
      const wanted = range > 0 ? Math.round((from.scrollTop / range) * target) : 0;
      if (Math.abs(to.scrollTop - wanted) > 1) place(area, to, wanted);
    });
    follow(left, right);
    follow(right, left);
  }

  function place(area, pane, scrollTop) {
    const before = pane.scrollTop;
    pane.scrollTop = scrollTop;
    if (pane.scrollTop !== before) area.placed.set(pane, pane.scrollTop);
  }

  function changeBar(area, hunks) {
    const bar = el("div", "change-bar");
    const previous = el("button", "prev-change", "◀ previous change");
    const next = el("button", "next-change", "next change ▶");
    previous.type = next.type = "button";
    previous.title = "previous change (key p)";
    next.title = "next change (key n)";
    const where = el("span", "change-count", hunks ? `${hunks} change${hunks > 1 ? "s" : ""} · keys n / p` : "no changes");
    previous.disabled = next.disabled = hunks === 0;
    previous.addEventListener("click", () => moveToChange(area, -1));
    next.addEventListener("click", () => moveToChange(area, 1));
    bar.append(previous, next, where);
    area.hunks = hunks;
    return bar;
  }

  // Scroll both panes to change number area.hunk (+step), and mark it as the current one.
  function moveToChange(area, step) {
    if (!area.hunks) return;
    area.hunk = (area.hunk + step + area.hunks) % area.hunks;
    for (const node of area.querySelectorAll(".current")) node.classList.remove("current");
    const marks = area.querySelectorAll(`[data-hunk="${area.hunk}"]`);
    for (const node of marks) {
      node.classList.add("current");
      const pane = node.parentElement;
      place(area, pane, Math.max(0, node.offsetTop - pane.clientHeight / 3));   // .side is the offsetParent
    }
    area.querySelector(".change-count").textContent = `change ${area.hunk + 1} of ${area.hunks} · keys n / p`;
    activeArea = area;
  }

  // Paragraphs first: a paragraph found on both sides out of order is a move, not a deletion plus
  // an insertion; the paragraphs that differ are then compared character by character.
  function diffTexts(aText, bText, maxEdits) {
    const pa = aText.split("\n"), pb = bText.split("\n");
    const steps = myers(pa, pb, pa.length + pb.length + 1);
    const deleted = new Map(), inserted = new Map();
    for (const [op, p] of steps) {
      if (p.trim().length < MOVE_MIN_CHARS) continue;
      const side = op < 0 ? deleted : op > 0 ? inserted : null;
      if (side) side.set(p, (side.get(p) || 0) + 1);
    }
    const moved = new Set([...deleted.keys()].filter((p) => inserted.has(p)));
    const pieces = [];
    let runA = [], runB = [], budget = maxEdits;
    const flush = () => {
      if (!runA.length && !runB.length) return true;
      const ops = diffChars(Array.from(runA.join("\n")), Array.from(runB.join("\n")), budget);
      if (ops === null) return false;
      for (const [op, chunk] of ops) {
        if (op !== 0) budget -= [...chunk].length;
        pieces.push([op === 0 ? "same" : op < 0 ? "del" : "ins", chunk]);
      }
      pieces.push([runA.length && runB.length ? "same" : runA.length ? "del" : "ins", "\n"]);
      runA = []; runB = [];
      return budget >= 0;
    };
    for (const [op, p] of steps) {
      if (op === 0 || moved.has(p)) {
        if (!flush()) return null;
        pieces.push([op === 0 ? "same" : op < 0 ? "move-from" : "move-to", p + "\n"]);
        continue;
      }
      (op < 0 ? runA : runB).push(p);
    }
    return flush() ? pieces : null;
  }

  // Myers' O(ND) difference on code points, after trimming the common prefix and suffix.
  // Near-duplicates differ little, so D stays small; past maxEdits we give up (returns null).
  function diffChars(a, b, maxEdits) {
    let start = 0;
    while (start < a.length && start < b.length && a[start] === b[start]) start++;
    let endA = a.length, endB = b.length;
    while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) { endA--; endB--; }
    const middle = myers(a.slice(start, endA), b.slice(start, endB), maxEdits);
    if (middle === null) return null;
    const ops = [];
    const push = (op, chars) => {
      if (!chars.length) return;
      const last = ops[ops.length - 1];
      if (last && last[0] === op) last[1] += chars.join(""); else ops.push([op, chars.join("")]);
    };
    push(0, a.slice(0, start));
    for (const [op, ch] of middle) push(op, [ch]);
    push(0, a.slice(endA));
    return ops;
  }

  function myers(a, b, maxEdits) {
    const n = a.length, m = b.length, max = Math.min(n + m, maxEdits), offset = max + 1;
    const v = new Int32Array(2 * max + 3);
    const trace = [];
    for (let d = 0; d <= max; d++) {
      trace.push(v.slice(offset - d, offset + d + 1));
      for (let k = -d; k <= d; k += 2) {
        let x = (k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1])) ? v[offset + k + 1] : v[offset + k - 1] + 1;
        let y = x - k;
        while (x < n && y < m && a[x] === b[y]) { x++; y++; }
        v[offset + k] = x;
        if (x >= n && y >= m) return backtrack(trace, a, b, n, m);
      }
    }
    return null;
  }

  function backtrack(trace, a, b, n, m) {
    const steps = [];
    let x = n, y = m;
    for (let d = trace.length - 1; d > 0; d--) {
      const saved = trace[d];
      const at = (k) => saved[k + d];
      const k = x - y;
      const prevK = (k === -d || (k !== d && at(k - 1) < at(k + 1))) ? k + 1 : k - 1;
      const prevX = at(prevK), prevY = prevX - prevK;
      while (x > prevX && y > prevY) { steps.push([0, a[x - 1]]); x--; y--; }
      if (x === prevX) steps.push([1, b[y - 1]]); else steps.push([-1, a[x - 1]]);
      x = prevX; y = prevY;
    }
    while (x > 0 && y > 0) { steps.push([0, a[x - 1]]); x--; y--; }
    return steps.reverse();
  }

  function fillOutlets() {
    outletNames.forEach((name, index) => {
      const option = el("option", "", name || "(no outlet)");
      option.value = String(index);
      controls.outlet.appendChild(option);
    });
  }

  let pending = 0;
  function scheduleFilter() {
    clearTimeout(pending);
    pending = setTimeout(applyFilters, 120);
  }

  fillOutlets();
  setUpDecisions();
  // On a phone the filters start folded, so the clusters are what one sees first.
  if (window.matchMedia("(max-width: 600px)").matches) { $("filter-box").open = false; $("decide").open = false; }
  for (const name of ["q", "outlet", "script", "from", "to", "min", "max", "changed"]) {
    if (controls[name]) controls[name].addEventListener(name === "q" || name === "min" || name === "max" ? "input" : "change", scheduleFilter);
  }
  controls.simplified.addEventListener("change", () => {
    for (const area of document.querySelectorAll(".diff-area")) {
      if (area.currentPair) showDiff(area, area.currentPair[0], area.currentPair[1]);
    }
  });
  // `report.html#cluster=ID` opens that cluster: editors send each other links to a case.
  function openFromHash() {
    const match = /^#cluster=(.+)$/.exec(location.hash);
    if (!match) return;
    const id = decodeURIComponent(match[1]);
    controls.q.value = id;
    applyFilters();
    const found = [...document.querySelectorAll(".cluster")].find((card) => card.dataset.clusterId === id);
    if (!found) return;
    const head = found.querySelector(".cluster-head");
    if (head.getAttribute("aria-expanded") !== "true") head.click();
    found.scrollIntoView({ block: "start" });
  }

  // n / p: next / previous change in the diff last opened or stepped through (not while typing).
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || !activeArea || !activeArea.isConnected) return;
    if (event.target.closest && event.target.closest("input, textarea, select")) return;
    if (event.key === "n" || event.key === "p") {
      event.preventDefault();
      moveToChange(activeArea, event.key === "n" ? 1 : -1);
    }
  });
  $("more").addEventListener("click", showMore);
  window.addEventListener("hashchange", openFromHash);
  document.body.classList.add("js");
  applyFilters();
  openFromHash();
})();
