// The servers page's behaviour: sortable columns, the filter box, and a refresh every 30 s that
// keeps both. Plain JavaScript, loaded as a file (the Content-Security-Policy allows no inline
// script). The server renders everything; this only reorders, hides and swaps what it sent.
// The sort and filter live in the address's #fragment, so a reload or a shared link keeps them.

(() => {
  const state = { key: null, dir: 1, filter: "" };

  function readFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    state.key = params.get("sort");
    state.dir = params.get("dir") === "desc" ? -1 : 1;
    state.filter = params.get("q") ?? "";
  }

  function writeFragment() {
    const params = new URLSearchParams();
    if (state.key) {
      params.set("sort", state.key);
      params.set("dir", state.dir < 0 ? "desc" : "asc");
    }
    if (state.filter) params.set("q", state.filter);
    const fragment = params.toString();
    history.replaceState(null, "", fragment ? `#${fragment}` : location.pathname + location.search);
  }

  function headerCells() {
    const table = document.getElementById("servers");
    return table?.tHead ? [...table.tHead.rows[0].cells] : [];
  }

  function cellValue(row, index) {
    return row.cells[index]?.dataset.value ?? "";
  }

  function compare(a, b) {
    const x = Number(a);
    const y = Number(b);
    if (a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y)) return x - y;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function applySort() {
    const cells = headerCells();
    for (const th of cells) {
      if (!th.hasAttribute("aria-sort")) continue;
      const sorted = th.dataset.key === state.key;
      th.setAttribute("aria-sort", sorted ? (state.dir > 0 ? "ascending" : "descending") : "none");
    }
    const index = cells.findIndex((th) => th.dataset.key === state.key);
    if (index < 0) return;
    // Rows are sorted within their group (channel and watch), the grouping stays.
    for (const body of document.querySelectorAll("#servers tbody.group")) {
      const rows = [...body.rows];
      rows.sort(
        (a, b) =>
          compare(cellValue(a, index), cellValue(b, index)) * state.dir ||
          compare(cellValue(a, 0), cellValue(b, 0)),
      );
      body.append(...rows);
    }
  }

  function applyFilter() {
    const terms = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    let total = 0;
    for (const body of document.querySelectorAll("#servers tbody.group")) {
      let visible = 0;
      for (const row of body.rows) {
        const hit = terms.every((term) => (row.dataset.search ?? "").includes(term));
        row.hidden = !hit;
        if (hit) visible += 1;
      }
      total += body.rows.length;
      body.hidden = visible === 0;
      const head = body.previousElementSibling;
      if (head?.classList.contains("group-head")) head.hidden = visible === 0;
      shown += visible;
    }
    const status = document.getElementById("filter-status");
    if (status) status.textContent = terms.length > 0 ? `${shown} of ${total} shown` : "";
  }

  function setUpdated(text) {
    const updated = document.getElementById("updated");
    if (updated) updated.textContent = text;
  }

  let refreshing = false;
  let missed = false;

  async function refresh() {
    if (document.hidden) {
      missed = true; // refreshed as soon as the tab is shown again
      return;
    }
    if (refreshing) return;
    refreshing = true;
    try {
      const response = await fetch(location.pathname + location.search, {
        headers: { accept: "text/html" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.status === 401) {
        setUpdated("not signed in any more: open the page again with ?token=");
        return;
      }
      if (!response.ok) {
        setUpdated(`refresh failed (HTTP ${response.status}); trying again`);
        return;
      }
      // Parsed as an inert document (DOMParser runs no script), then moved into the page.
      const fresh = new DOMParser()
        .parseFromString(await response.text(), "text/html")
        .getElementById("content");
      const content = document.getElementById("content");
      if (!fresh || !content) return;
      content.replaceChildren(...fresh.childNodes);
      applySort();
      applyFilter();
      setUpdated(`updated ${new Date().toLocaleTimeString()}, refreshes every ${refreshSeconds()} s`);
      document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? "0") + 1);
    } catch {
      setUpdated("refresh failed (server unreachable); trying again");
    } finally {
      refreshing = false;
    }
  }

  function refreshSeconds() {
    const seconds = Number(document.getElementById("content")?.dataset.refreshSeconds);
    return Number.isFinite(seconds) && seconds > 0 ? seconds : 30;
  }

  function start() {
    readFragment();
    const filter = document.getElementById("filter");
    if (filter) {
      filter.value = state.filter;
      filter.addEventListener("input", () => {
        state.filter = filter.value;
        applyFilter();
        writeFragment();
      });
    }
    document.addEventListener("click", (event) => {
      const button = event.target instanceof Element ? event.target.closest("button.sort") : null;
      const key = button?.closest("th")?.dataset.key;
      if (!key) return;
      state.dir = state.key === key ? -state.dir : 1;
      state.key = key;
      applySort();
      writeFragment();
    });
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && missed) {
        missed = false;
        refresh();
      }
    });
    applySort();
    applyFilter();
    setInterval(refresh, refreshSeconds() * 1000);
  }

  start();
})();
