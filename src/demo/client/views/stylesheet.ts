/** The playground's only stylesheet, served from /assets so the CSP needs no inline styles. */
export const PLAYGROUND_STYLESHEET = `
:root { color-scheme: light dark;
  --bg: #f3f5f9; --surface: #ffffff; --surface-2: #f7f8fb; --text: #18202f; --muted: #5a6478; --border: #dde2ec;
  --accent: #3451d1; --accent-soft: #e7ecff; --accent-text: #ffffff; --ok: #137a4b; --ok-soft: #e3f5ec;
  --warn: #8a5100; --warn-soft: #fff3dc; --danger: #b42318; --danger-soft: #fdeceb; --pending: #687186; --on-badge: #ffffff;
  --code-bg: #f2f4f8; --focus: #f5b400; --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 6px 24px rgb(16 24 40 / 6%);
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; }
@media (prefers-color-scheme: dark) { :root {
  --bg: #0f131b; --surface: #171c27; --surface-2: #1c2230; --text: #e6e9f0; --muted: #a0a9bb; --border: #2b3344;
  --accent: #8097ff; --accent-soft: #222b4d; --accent-text: #0d1020; --ok: #5fd19b; --ok-soft: #16352a;
  --warn: #ffc46b; --warn-soft: #3a2c12; --danger: #ff8a80; --danger-soft: #3d1d1b; --pending: #8d96aa; --on-badge: #0d1020;
  --code-bg: #121722; --shadow: none; } }
* { box-sizing: border-box; }
/* Jumps land below the sticky header: --header-height is its real height, measured by the page
   script (0 below 1100 px, where the header is not sticky); the fallback covers a page without script. */
html { --header-height: 64px; scroll-padding-top: calc(var(--header-height) + 12px); }
@media (max-width: 1099px) { html { --header-height: 0px; } }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
code, pre { font-family: var(--mono); font-size: .86em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
/* The first thing Tab reaches on every page; shown only while focused. */
.skip-link { position: absolute; left: 12px; top: -100px; z-index: 20; padding: 10px 16px; border-radius: 9px; background: var(--accent);
  color: var(--accent-text); font-weight: 700; text-decoration: none; }
.skip-link:focus { top: 10px; }
.main-target:focus { outline: none; }

.topbar { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; gap: 12px; padding: 8px 20px;
  background: color-mix(in srgb, var(--surface) 92%, transparent); backdrop-filter: blur(8px); border-bottom: 1px solid var(--border); }
.brand { font-weight: 700; font-size: 1.05rem; color: var(--text); text-decoration: none; white-space: nowrap; }
.brand-sub { color: var(--muted); font-weight: 500; }
.logo { color: var(--accent); }
.grant-nav { display: flex; gap: 2px; flex-wrap: wrap; flex: 1; }
.grant-nav a, .server-links a { padding: 6px 8px; border-radius: 8px; color: var(--muted); text-decoration: none; font-weight: 550; font-size: .88rem; white-space: nowrap; }
.grant-nav a:hover, .server-links a:hover { background: var(--surface-2); color: var(--text); }
.grant-nav a[aria-current="page"] { background: var(--accent-soft); color: var(--accent); }
.server-links { display: flex; gap: 2px; }
/* Below 1100 px the grants wrap to two or more rows (211 px at 860 px, a third of a phone's screen):
   there the header scrolls away with the page instead of staying over it. */
@media (max-width: 1099px) { .topbar { position: static; flex-wrap: wrap; backdrop-filter: none; background: var(--surface); } }
/* From 1100 px the sticky header is two rows at most: the brand and the servers, then the nine pages
   in one row of their own (the longest title shortened in layout.ts), tighter than the rest. */
@media (min-width: 1100px) {
  .topbar { flex-wrap: wrap; row-gap: 2px; padding: 6px 20px; }
  .server-links { margin-left: auto; }
  .grant-nav { order: 3; flex-basis: 100%; gap: 0; margin-left: -6px; }
  .grant-nav a { padding: 5px 6px; font-size: .84rem; }
}
@media (max-width: 759px) {
  .topbar { gap: 6px 12px; padding: 10px 12px; }
  .grant-nav { order: 3; flex-basis: 100%; }
  .grant-nav a, .server-links a { padding: 6px 8px; }
}

.flow-layout { display: grid; grid-template-columns: minmax(0, 1fr) 370px; gap: 24px; max-width: 1480px; margin: 0 auto; padding: 24px; }
@media (max-width: 1100px) { .flow-layout { grid-template-columns: 1fr; } }
@media (max-width: 759px) { .flow-layout { padding: 14px 12px; gap: 16px; } .panel { padding: 14px; } .flow-head h1 { font-size: 1.45rem; } }
.flow-side { min-width: 0; }
.flow-main { display: flex; flex-direction: column; gap: 18px; min-width: 0; }
.flow-side { display: flex; flex-direction: column; gap: 18px; }
.flow-head h1 { margin: 4px 0 6px; font-size: 1.7rem; letter-spacing: -.01em; }
.lede { margin: 0; color: var(--muted); max-width: 75ch; }
code.wire { display: inline-block; margin-top: 4px; padding: 1px 8px; border-radius: 6px; background: var(--code-bg); border: 1px solid var(--border); color: var(--text); }

.panel { background: var(--surface); border: 1px solid var(--border); border-radius: 14px; padding: 18px 20px; box-shadow: var(--shadow); }
.panel h2 { font-size: 1rem; margin: 0 0 10px; }
.panel h3 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 14px 0 4px; }
.panel ul { margin: 0; padding-left: 18px; }
.panel li { margin: 4px 0; }
/* Prose that names URLs, client_ids or tokens (long unbroken words) wraps rather than widening a phone's page. */
.panel p, .panel li, .alert { overflow-wrap: anywhere; }
.fine { color: var(--muted); font-size: .84rem; }
.muted { color: var(--muted); }
.hint { margin: 0 0 6px; color: var(--muted); font-size: .85rem; }
.section-title { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 8px 0 2px; }

.controls p { margin: 0 0 12px; }
.controls .alert { margin-bottom: 12px; }
.action-form { display: inline-flex; flex-wrap: wrap; align-items: flex-end; gap: 12px; margin: 0 10px 4px 0; }
.controls .action-form:has(fieldset), .controls .action-form:has(.field-row) { display: flex; }
button { padding: 9px 16px; font: inherit; font-weight: 600; border-radius: 9px; cursor: pointer; border: 1px solid var(--accent);
  background: var(--accent); color: var(--accent-text); transition: filter .15s; }
button:hover:not(:disabled) { filter: brightness(1.08); }
button:disabled { cursor: not-allowed; opacity: .45; }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
fieldset.scopes { display: inline-flex; gap: 14px; align-items: center; border: 1px solid var(--border); border-radius: 9px; padding: 6px 12px; margin: 0; }
fieldset.scopes legend { font-size: .75rem; color: var(--muted); padding: 0 4px; }
fieldset.scopes label { display: inline-flex; gap: 6px; align-items: center; cursor: pointer; }
.field-row { display: flex; gap: 12px; flex-wrap: wrap; }
.field-row label, label.inline { display: flex; flex-direction: column; gap: 4px; font-size: .82rem; font-weight: 600; color: var(--muted); }
input[type=text], input:not([type]), input[type=password] { padding: 8px 10px; font: inherit; font-size: .95rem; color: var(--text); background: var(--surface);
  border: 1px solid var(--border); border-radius: 8px; min-width: 200px; max-width: 100%; }
.action-form, fieldset.scopes { max-width: 100%; flex-wrap: wrap; }
.experiment { margin-top: 14px; padding-top: 12px; border-top: 1px dashed var(--border); }
.countdown strong { font-variant-numeric: tabular-nums; font-size: 1.15em; color: var(--warn); }
.alert { border: 1px solid var(--danger); background: var(--danger-soft); color: var(--danger); border-radius: 9px; padding: 9px 12px; }

/* The diagram: the SVG from 760 px up (scrolling inside its card when narrower than its own
   minimum), the vertical step list below. Only one is displayed, so only one is in the tab order
   and the accessibility tree. SVG text sizes are in the picture's units (1000 wide): 16 units are
   about 12.8 px at 1280 px. */
.diagram-card { padding: 14px 14px 8px; overflow-x: auto; }
svg.sequence-diagram { display: block; width: 100%; min-width: 720px; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.seq-list { display: none; }
@media (max-width: 759px) { svg.sequence-diagram { display: none; } .seq-list { display: flex; } }
.seq-actor rect { fill: var(--surface-2); stroke: var(--border); stroke-width: 1.5; }
.seq-actor-name { font-size: 18px; font-weight: 700; fill: var(--text); }
.seq-actor-sub { font-size: 16px; fill: var(--muted); }
.seq-lifeline { stroke: var(--border); stroke-width: 1.5; stroke-dasharray: 5 5; }
.seq-step { cursor: pointer; }
.seq-hit { fill: transparent; }
.seq-step:hover .seq-hit, .seq-step:focus-visible .seq-hit { fill: var(--accent-soft); }
svg .seq-step:focus-visible { outline: none; }
svg .seq-step:focus-visible .seq-hit { stroke: var(--focus); stroke-width: 3; }
.seq-label { font-size: 16px; fill: var(--text); paint-order: stroke; stroke: var(--surface); stroke-width: 4px; stroke-linejoin: round; }
.seq-num { font-weight: 700; }
.seq-arrow { stroke-width: 2; }
.seq-badge-text { font-size: 15.5px; font-weight: 700; fill: var(--on-badge); }
.seq-step.is-pending .seq-label { fill: var(--muted); }
.seq-step.is-pending .seq-arrow { stroke: var(--pending); stroke-dasharray: 4 4; marker-end: url(#arrow-pending); }
.seq-step.is-pending .seq-badge { fill: var(--pending); }
.seq-step.is-done .seq-arrow { stroke: var(--accent); marker-end: url(#arrow-done); }
.seq-step.is-done .seq-badge { fill: var(--accent); }
.seq-step.is-failed .seq-arrow { stroke: var(--danger); marker-end: url(#arrow-failed); }
.seq-step.is-failed .seq-badge { fill: var(--danger); }
.seq-step.is-failed .seq-label { fill: var(--danger); }
.seq-head-pending path { fill: var(--pending); }
.seq-head-done path { fill: var(--accent); }
.seq-head-failed path { fill: var(--danger); }
@keyframes light-up { 0% { opacity: .15; } 60% { opacity: 1; } 100% { opacity: 1; } }
@keyframes badge-pulse { 0% { r: 11; } 50% { r: 15; } 100% { r: 11; } }
.seq-step.is-fresh { animation: light-up .7s ease-out both; }
.seq-step.is-fresh .seq-badge { animation: badge-pulse .7s ease-out both; }
.delay-0, .delay-0 .seq-badge { animation-delay: .1s; } .delay-1, .delay-1 .seq-badge { animation-delay: .45s; }
.delay-2, .delay-2 .seq-badge { animation-delay: .8s; } .delay-3, .delay-3 .seq-badge { animation-delay: 1.15s; }
.delay-4, .delay-4 .seq-badge { animation-delay: 1.5s; } .delay-5, .delay-5 .seq-badge { animation-delay: 1.85s; }
/* Phones: the steps as a vertical sequence, a line joining numbered badges, "From → To" above each text. */
.seq-list { flex-direction: column; gap: 0; margin: 0; padding: 0; list-style: none; position: relative; }
.seq-list li { position: relative; padding: 0 0 6px; }
.seq-list li:not(:last-child)::before { content: ""; position: absolute; left: 15px; top: 30px; bottom: 0; border-left: 2px dashed var(--border); }
.seq-list-link { display: grid; grid-template-columns: 32px minmax(0, 1fr); gap: 10px; align-items: start; padding: 6px 6px 6px 0; border-radius: 8px;
  color: var(--text); text-decoration: none; }
.seq-list-link:hover { background: var(--accent-soft); }
.seq-list-num { display: grid; place-items: center; width: 32px; height: 32px; border-radius: 50%; background: var(--pending); color: var(--on-badge); font-weight: 700; }
.seq-list li.is-done .seq-list-num { background: var(--accent); }
.seq-list li.is-failed .seq-list-num { background: var(--danger); }
.seq-list-text { display: flex; flex-direction: column; min-width: 0; overflow-wrap: anywhere; }
.seq-list-lanes { font-size: .78rem; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.seq-list-label { text-decoration: underline; text-decoration-color: color-mix(in srgb, var(--accent) 60%, transparent); text-underline-offset: 3px; }
.seq-list li.is-pending .seq-list-label { color: var(--muted); }
.seq-list li.is-failed .seq-list-label { color: var(--danger); }
.seq-list-state { align-self: flex-start; margin-top: 2px; font-size: .75rem; font-weight: 600; color: var(--muted); }
.seq-list li.is-failed .seq-list-state { color: var(--danger); }

.steps, .extras, .prologue { display: flex; flex-direction: column; gap: 10px; }
.step-card { background: var(--surface); border: 1px solid var(--border); border-left: 4px solid var(--pending); border-radius: 12px; box-shadow: var(--shadow); }
.step-card.is-done { border-left-color: var(--accent); }
.step-card.is-failed { border-left-color: var(--danger); }
.step-card.is-extra { border-left-color: var(--warn); }
.step-card.is-pending { border-style: dashed; border-left-style: solid; box-shadow: none; background: var(--surface-2); }
.step-card { scroll-margin-top: calc(var(--header-height) + 12px); }
/* The card a jump opened has focus on its summary; show it even after a mouse click. */
.step-card.is-focused > summary:focus { outline: 3px solid var(--focus); outline-offset: -3px; border-radius: 12px; }
@keyframes focus-flash { from { box-shadow: 0 0 0 4px var(--focus); } to { box-shadow: var(--shadow); } }
.step-card.is-focused { animation: focus-flash 1.2s ease-out; }
.step-card summary { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: 12px; align-items: center; padding: 11px 14px; cursor: pointer; list-style: none; }
.step-card summary::-webkit-details-marker { display: none; }
.step-num { display: grid; place-items: center; width: 28px; height: 28px; border-radius: 50%; background: var(--pending); color: var(--on-badge); font-weight: 700; font-size: .85rem; }
.is-done .step-num { background: var(--accent); } .is-failed .step-num { background: var(--danger); } .is-extra .step-num { background: var(--warn); }
.step-title { display: flex; flex-direction: column; min-width: 0; }
.step-arrow { font-size: .75rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
/* A step's title may name a URL or a token-like id (GET /register/dyn_…): it wraps inside its card. */
.step-label { font-weight: 550; overflow-wrap: anywhere; }
.chip { padding: 3px 9px; border-radius: 999px; font: 600 .8rem/1.4 var(--mono); background: var(--surface-2); border: 1px solid var(--border); white-space: nowrap; }
.step-card.is-pending .chip { background: var(--surface); }
.chip.muted { font-family: inherit; font-weight: 500; color: var(--muted); }
.status-ok { color: var(--ok); } .status-redirect { color: var(--warn); } .status-error { color: var(--danger); }
.chip.status-ok { background: var(--ok-soft); border-color: transparent; } .chip.status-redirect { background: var(--warn-soft); border-color: transparent; }
.chip.status-error { background: var(--danger-soft); border-color: transparent; }
.step-body { padding: 0 16px 16px 54px; min-width: 0; }
.vantage { margin: 0 0 10px; font-size: .8rem; color: var(--muted); font-style: italic; }
.http { border: 1px solid var(--border); border-radius: 10px; background: var(--surface-2); padding: 10px 12px; }
.http + .http { margin-top: 10px; }
.http-line { margin: 0 0 6px; font-family: var(--mono); font-size: .9rem; word-break: break-all; }
.http-kind { font-family: system-ui, sans-serif; font-size: .72rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); margin-right: 6px; }
.method { font-weight: 700; color: var(--accent); }
.status { font-weight: 700; }
table.kv { width: 100%; border-collapse: collapse; margin: 8px 0 4px; font-size: .88rem; }
table.kv caption { text-align: left; font-size: .72rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); padding: 4px 0; }
table.kv th { text-align: left; vertical-align: top; width: 1%; white-space: nowrap; padding: 5px 14px 5px 0; font-weight: 500; }
table.kv td { padding: 5px 0; border-top: 1px solid var(--border); overflow-wrap: anywhere; }
table.kv th { border-top: 1px solid var(--border); }
table.kv tr:first-child th, table.kv tr:first-child td { border-top: 0; }
table.id-token-claims thead th { font-size: .72rem; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
table.id-token-claims td:last-child { color: var(--muted); font-size: .8rem; padding-left: 12px; }
table.kv .meaning { display: block; color: var(--muted); font-size: .78rem; word-break: normal; }
tr.is-masked code { letter-spacing: .08em; }
.tag { font-size: .7rem; font-weight: 700; text-transform: uppercase; color: var(--warn); background: var(--warn-soft); padding: 1px 6px; border-radius: 6px; }
figure { margin: 8px 0 0; }
figcaption { font-size: .72rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); padding: 4px 0; }
pre.code { margin: 0; padding: 10px 12px; background: var(--code-bg); border: 1px solid var(--border); border-radius: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.jwt { margin-top: 12px; padding: 10px 12px; border: 1px dashed var(--accent); border-radius: 10px; background: color-mix(in srgb, var(--accent-soft) 40%, transparent); }
.jwt h5 { margin: 0 0 4px; font-size: .85rem; }
.jwt-parts { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 10px; }
@media (max-width: 800px) { .jwt-parts { grid-template-columns: 1fr; } }
.jwt-times { margin: 8px 0 0; font-size: .85rem; }
.jwt .fine { margin: 4px 0 0; }
.notes { margin: 12px 0 0; padding-left: 18px; font-size: .9rem; }
.notes li { margin: 3px 0; }
.paired { margin: 8px 0 0; font-size: .88rem; color: var(--muted); }

.guide h2 { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.verdict { font-size: .72rem; font-weight: 700; padding: 3px 9px; border-radius: 999px; white-space: nowrap; }
.verdict-recommended { color: var(--ok); background: var(--ok-soft); }
.verdict-caution { color: var(--warn); background: var(--warn-soft); }
.verdict-deprecated { color: var(--warn); background: var(--warn-soft); }
.verdict-forbidden { color: var(--danger); background: var(--danger-soft); }
a.rfc { display: inline-block; font-size: .72rem; font-weight: 600; padding: 0 6px; margin: 1px 0; border-radius: 6px; background: var(--surface-2);
  border: 1px solid var(--border); text-decoration: none; white-space: nowrap; }
.client-card dl, .servers { display: grid; grid-template-columns: auto minmax(0, 1fr); gap: 6px 12px; margin: 0; font-size: .88rem; }
.client-card dt, .servers dt { color: var(--muted); font-weight: 600; }
.client-card dd, .servers dd { margin: 0; overflow-wrap: anywhere; }
.servers { grid-template-columns: 1fr; }
.servers dd { margin-bottom: 6px; }

.home { max-width: 1240px; margin: 0 auto; padding: 36px 24px; }
.hero h1 { font-size: 2.4rem; letter-spacing: -.02em; margin: 0 0 10px; }
.hero .lede { font-size: 1.08rem; }
.grant-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 14px; margin: 28px 0; }
.grant-card { display: flex; flex-direction: column; gap: 8px; padding: 16px; background: var(--surface); border: 1px solid var(--border); border-radius: 14px;
  box-shadow: var(--shadow); color: var(--text); text-decoration: none; transition: transform .15s, border-color .15s; }
.grant-card:hover { transform: translateY(-2px); border-color: var(--accent); }
.grant-card-head { display: flex; flex-direction: column; gap: 6px; align-items: flex-start; }
.grant-card-text { color: var(--muted); font-size: .9rem; flex: 1; }
.grant-card code.wire { white-space: normal; overflow-wrap: anywhere; }
.grant-card-steps { font-size: .78rem; color: var(--muted); }
.home-columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr)); gap: 16px; }
.reading { margin: 0; padding-left: 20px; } .reading li { margin: 6px 0; }
.footer { max-width: 1480px; margin: 8px auto 24px; padding: 0 24px; color: var(--muted); font-size: .8rem; }
@media (max-width: 759px) { .home { padding: 20px 12px; } .hero h1 { font-size: 1.9rem; } .home-columns { grid-template-columns: minmax(0, 1fr); } .footer { padding: 0 12px; } }
/* Phones (after the rules they override): the chip goes under the title, the body uses the card's full width, a
   header name in a table wraps instead of pushing its value off the screen. */
@media (max-width: 759px) {
  .step-card summary { grid-template-columns: auto minmax(0, 1fr); gap: 6px 10px; padding: 10px 12px; }
  .step-card summary .chip { grid-column: 2; justify-self: start; white-space: normal; overflow-wrap: anywhere; }
  .step-body { padding: 0 12px 12px; }
  table.kv th { white-space: normal; overflow-wrap: anywhere; width: 35%; padding-right: 8px; }
}
@media (prefers-reduced-motion: reduce) { *, *::before, *::after { animation: none !important; transition: none !important; } }
/* The Break it page (experiments/break-it-page.ts). */
.break-it { display: flex; flex-direction: column; gap: 18px; }
.experiment-card { min-width: 0; scroll-margin-top: 88px; }
.experiment-result > p, .checks { overflow-wrap: anywhere; }
.experiment-card h2 { margin-top: 0; }
.experiment-card .action-form { margin: 10px 0; }
.experiment-actions { display: flex; flex-wrap: wrap; gap: 10px; }
.experiment-index { margin: 8px 0; padding-left: 22px; columns: 2 16rem; }
.experiment-result { display: flex; flex-direction: column; gap: 8px; margin: 12px 0; }
.verdict-box { margin: 0; padding: 9px 12px; border-radius: 9px; border: 1px solid var(--warn); background: var(--warn-soft); color: var(--warn); }
.verdict-box.is-held { border-color: var(--ok); background: var(--ok-soft); color: var(--ok); }
.verdict-box.is-waiting { border-color: var(--border); background: var(--surface-2); color: var(--text); }
.verdict-box.is-broken { border-color: var(--danger); background: var(--danger-soft); color: var(--danger); }
.checks { margin: 0; padding-left: 4px; list-style: none; }
.checks li { margin: 4px 0; }
.checks li.is-held .check-mark { color: var(--ok); font-weight: 700; }
.checks li.is-broken { color: var(--danger); }
.defence { margin-bottom: 0; }
/* Narrow screens: the top bar wraps instead of widening the page, and scrolls away instead of covering it. */
@media (max-width: 700px) { .topbar { position: static; flex-wrap: wrap; gap: 6px; padding: 8px 12px; } .grant-nav { flex-basis: 100%; } .server-links { flex-wrap: wrap; } }
/* Flow engine (issue 15 §1-3, §5): a failed step's outcome, the tutorial's caption greyed, corrections, token life. */
.step-outcome { margin: 12px 0; padding: 10px 14px; border-radius: 10px; background: var(--danger-soft); border: 1px solid var(--danger); }
.step-outcome h5 { margin: 0 0 6px; }
.outcome-error { margin: 4px 0; overflow-wrap: anywhere; }
.outcome-meaning dt { font-weight: 650; margin-top: 6px; } .outcome-meaning dd { margin: 2px 0 0; }
.tutorial-expected { color: var(--muted); font-style: italic; }
.tutorial-expected-label { font-style: normal; font-weight: 600; }
.relative-time { color: var(--muted); }
.tutorial-correction { margin: 12px 0; padding: 10px 14px; border-radius: 10px; background: var(--warn-soft); border: 1px solid var(--warn); }
.tutorial-correction p { margin: 4px 0; } .correction-title { font-weight: 700; }
.token-life { margin: 10px 0; padding: 8px 12px; border-radius: 10px; background: var(--surface-2); border: 1px solid var(--border); }
.token-life p { margin: 4px 0; } .token-life-expired { color: var(--text); }
.flow-refused { font-weight: 600; }
.step-correction-flag { font-size: .8rem; color: var(--warn); font-weight: 600; }
/* Raw HTTP and curl (views/exchange-raw.ts), and the registration and tokens pages. */
.raw-http { margin-top: 12px; border-top: 1px dashed var(--border); padding-top: 8px; }
.raw-http > summary { cursor: pointer; font-weight: 600; font-size: .88rem; }
.raw-figure { margin: 10px 0 0; }
.raw-figure figcaption { display: flex; flex-wrap: wrap; align-items: center; gap: 8px; font-size: .85rem; }
pre.raw { white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-all; max-height: 24em; overflow: auto; }
.copy-button { padding: 2px 10px; font-size: .8rem; }
.copy-status { font-size: .8rem; color: var(--muted); }
.tools-page > section, .tools-page > .alert { margin-bottom: 16px; }
.tools-page .token-list { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.tools-page .token-list label { display: flex; gap: 8px; align-items: baseline; overflow-wrap: anywhere; }
.tools-page fieldset { min-width: 0; margin: 0 0 10px; }
.tools-page button { white-space: normal; max-width: 100%; }
.tools-page textarea { width: 100%; max-width: 100%; box-sizing: border-box; font-family: var(--mono, monospace); }
`;
