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
  let matching = [];
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
    for (const name of ["", "outlet", "published", "script", "similarity", "title / original"]) header.appendChild(el("th", "", name));
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
      table.appendChild(row);
    });
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

  function textOf(docId, simplified) {
    const entry = texts[docId] || { t: [] };
    const numbers = simplified && entry.s !== undefined ? entry.s : entry.t;
    return numbers.map((n) => DATA.paragraphs[n]).join("\n");
  }

  function showDiff(area, canonical, member) {
    const simplified = controls.simplified.checked;
    const a = Array.from(textOf(canonical[ID], simplified));
    const b = Array.from(textOf(member[ID], simplified));
    const ops = diffChars(a, b, DATA.diff_max_edits);
    const left = el("div", "side"), right = el("div", "side");
    let same = 0;
    if (ops === null) {
      left.textContent = a.join("");
      right.textContent = b.join("");
    } else {
      for (const [op, chunk] of ops) {
        if (op === 0) { same += [...chunk].length; left.appendChild(document.createTextNode(chunk)); right.appendChild(document.createTextNode(chunk)); }
        else if (op < 0) left.appendChild(el("del", "", chunk));
        else right.appendChild(el("ins", "", chunk));
      }
    }
    const ratio = a.length + b.length ? (2 * same) / (a.length + b.length) : 1;
    const caption = ops === null
      ? `These texts differ in more than ${DATA.diff_max_edits} characters; shown without alignment.`
      : `Characters in common: ${(ratio * 100).toFixed(1)}%` + (simplified ? " (compared as Simplified)" : "");
    const cut = [canonical, member].some((m) => (texts[m[ID]] || {}).cut);
    const heads = el("div", "diff-heads");
    heads.appendChild(el("div", "", `canonical · ${outletNames[canonical[OUTLET]] || ""} · ${canonical[SCRIPT] || "?"}`));
    heads.appendChild(el("div", "", `member · ${outletNames[member[OUTLET]] || ""} · ${member[SCRIPT] || "?"}`));
    const grid = el("div", "diff");
    grid.appendChild(left);
    grid.appendChild(right);
    const capped = cut ? ` Texts are cut at ${DATA.text_max_chars.toLocaleString("en")} characters; the full text is at the original URL.` : "";
    area.replaceChildren(el("p", "note diff-caption", caption + capped), heads, grid);
    area.currentPair = [canonical, member];
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

  $("more").addEventListener("click", showMore);
  window.addEventListener("hashchange", openFromHash);
  document.body.classList.add("js");
  applyFilters();
  openFromHash();
})();
