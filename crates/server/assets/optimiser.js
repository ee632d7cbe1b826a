// ambit planning studio: the optimiser panel. Starts a run of the planner on the server (the
// same job as `ambit plan`), polls its progress, cancels it, and applies the plan to the map as
// one undoable edit. Uses app.js's globals (S, api, edit, status, fmt, esc, $).
"use strict";

const OPT = { run: null, timer: null, result: null };

function optimiserRequest() {
  const objective = $("opt-objective").value;
  const body = { objective, seed: Number($("opt-seed").value) || 1 };
  const starts = Number($("opt-starts").value);
  if (starts) body.starts = starts;
  const limit = Number($("opt-time").value);
  if (limit > 0) body.time_limit_s = limit;
  const nest = $("opt-nest").value.trim();
  if (nest) body.nest_by = nest;
  const hasMap = Object.keys(S.assignment).length > 0;
  if (hasMap) {
    body.baseline = S.assignment;
    const names = new Set(Object.values(S.assignment));
    const locked = [...S.locked].filter((d) => names.has(d));
    if (locked.length) body.locked = locked;
  }
  if (S.scenario) body.scenario_id = S.scenario.scenario_id;
  if (S.policyText) body.policy = S.policyText; // the scenario's own rules, when it has some
  return body;
}

function showRun(run) {
  const p = run.progress;
  const bar = $("opt-progress");
  if (p.total > 0) { bar.max = p.total; bar.value = p.done; } else bar.removeAttribute("value");
  const best = p.best_districts ? `, best so far ${p.best_districts} compliant districts` : "";
  const steps = p.total > 0 ? `starts ${p.done}/${p.total}` : "repairing";
  $("opt-state").textContent = `run ${run.id}: ${run.state}, ${steps}${best}, ${run.elapsed_s.toFixed(1)} s`;
  $("opt-state").dataset.state = run.state;
  const running = run.state === "running";
  $("opt-run").disabled = running;
  $("opt-cancel").disabled = !running;
  if (running) return;
  // A cancelled run keeps the true count of starts that ran (not 100%).
  if (p.total > 0) bar.value = p.done; else if (run.state === "done") { bar.max = 1; bar.value = 1; }
  bar.dataset.done = p.done; bar.dataset.total = p.total;
  OPT.result = run.result || null;
  $("opt-apply").disabled = !OPT.result;
  if (!OPT.result) {
    $("opt-result").innerHTML = `<p class="error">${esc(run.error || "no plan")}</p>`;
    return;
  }
  const r = OPT.result;
  let html = `<p id="opt-summary"><b>${r.compliant}</b> compliant of <b>${r.districts}</b> ${r.districts === 1 ? "district" : "districts"} over ${nUnits(r.units)}` +
    (r.interrupted ? " (stopped early: best plan so far)" : "") + `; stored as plan ${r.plan_id ?? "–"}.</p>`;
  const c = r.changes;
  if (c) {
    // the same comparison as everywhere (MapChanges), also when the current map is partial
    html += `<p id="opt-changes" data-moved="${c.moved.length}">Against the current map: ${nUnits(c.moved.length)} moved, ${fmt(c.assigned.length)} newly in a district, ${fmt(c.unassigned.length)} left without one; ${plural(c.merged.length, "district", "districts")} formed by merger, ${fmt(c.unchanged)} unchanged.</p>`;
    html += "<ul>" + c.incentive.incentives.map((i) =>
      `<li>${esc(i.name)}: ${fmt(i.new_districts)} × ${fmt(i.per_new_district)} ${esc(i.currency)} = <b>${fmt(i.total)} ${esc(i.currency)}</b> (agreement on ${esc(c.incentive.date)})</li>`).join("") + "</ul>";
  } else html += `<p id="opt-changes">The current map is empty: nothing to compare with.</p>`;
  html += "<details><summary>Details</summary><ul>" + r.summary.map((l) => `<li>${esc(l)}</li>`).join("") + "</ul></details>";
  if (run.error) html += `<p class="error">${esc(run.error)}</p>`;
  html += `<p class="hint">The proposed plan is shown beside the current map; nothing changes until you apply it.</p>`;
  $("opt-result").innerHTML = html;
  previewPlan(run.id, r);
}

// The proposed plan as a map beside the current one (the compare view), with its comparison,
// before "Apply": the plan's comuni take their proposed district, the others keep theirs.
function previewPlan(id, r) {
  const whole = r.units === S.territory.municipalities.length;
  const assignment = whole ? { ...r.assignment } : { ...S.assignment, ...r.assignment };
  const figures = (r.district_figures || []).map((d) => ({ ...d, contiguous_parts: 1 }));
  S.compare = { name: `proposed plan (run ${id})`, version: "", scenario_id: null, content: { assignment }, audit: { districts: figures }, proposal: true };
  // a canvas-drawn region (France) previews the plan as its comparison, not as a second map
  if (!C.on) {
    $("wrap-b").classList.remove("hidden");
    $("title-b").textContent = `proposed plan, run ${id}: ${r.compliant} compliant of ${plural(r.districts, "district", "districts")}`;
    S.pathsB = drawMap($("map-b"), S.features, S.proj, false);
    attachMapEvents($("map-b"));
    setView(S.view);
  }
  const panel = $("diff").closest("details");
  panel.open = true;
  showDiff().then(recolour).catch((e) => status("preview failed: " + e.message, true));
}

async function pollRun() {
  if (!OPT.run) return;
  try {
    const run = await api("GET", `/api/optimiser/runs/${OPT.run}`);
    showRun(run);
    if (run.state === "running") OPT.timer = setTimeout(pollRun, 300);
    else status(`optimiser run ${run.id} ${run.state}`);
  } catch (e) {
    status("optimiser: " + e.message, true);
  }
}

async function startRun() {
  clearTimeout(OPT.timer);
  $("opt-result").innerHTML = "";
  $("opt-apply").disabled = true;
  try {
    const run = await api("POST", "/api/optimiser/runs", optimiserRequest());
    OPT.run = run.id;
    showRun(run);
    status(`optimiser run ${run.id} started`);
    OPT.timer = setTimeout(pollRun, 300);
  } catch (e) {
    $("opt-result").innerHTML = `<p class="error">${esc(e.message)}</p>`;
    status("optimiser not started: " + e.message, true);
  }
}

async function cancelRun() {
  if (!OPT.run) return;
  try {
    await api("POST", `/api/optimiser/runs/${OPT.run}/cancel`);
    status("cancelling: the best plan found so far is kept");
  } catch (e) { status(e.message, true); }
}

function applyPlan() {
  const r = OPT.result;
  if (!r) return;
  if (S.compare && S.compare.proposal) closeCompare();
  const whole = r.units === S.territory.municipalities.length;
  edit(`optimiser plan (run ${OPT.run})`, () => {
    // min-change plans only the baseline's comuni: the rest of the map stays as it is
    S.assignment = whole ? { ...r.assignment } : { ...S.assignment, ...r.assignment };
    const names = new Set(Object.values(S.assignment));
    S.locked = new Set([...S.locked].filter((d) => names.has(d)));
  });
}

$("opt-run").onclick = startRun;
$("opt-cancel").onclick = cancelRun;
$("opt-apply").onclick = applyPlan;
