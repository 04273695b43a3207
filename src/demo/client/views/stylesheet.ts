/** The playground's only stylesheet, served from /assets so the CSP needs no inline styles. */
export const PLAYGROUND_STYLESHEET = `
:root { color-scheme: light dark;
  --bg: #f3f5f9; --surface: #ffffff; --surface-2: #f7f8fb; --text: #18202f; --muted: #5a6478; --border: #dde2ec;
  --accent: #3451d1; --accent-soft: #e7ecff; --accent-text: #ffffff; --ok: #137a4b; --ok-soft: #e3f5ec;
  --warn: #9a5b00; --warn-soft: #fff3dc; --danger: #b42318; --danger-soft: #fdeceb; --pending: #a3acbd;
  --code-bg: #f2f4f8; --focus: #f5b400; --shadow: 0 1px 2px rgb(16 24 40 / 6%), 0 6px 24px rgb(16 24 40 / 6%);
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, monospace; }
@media (prefers-color-scheme: dark) { :root {
  --bg: #0f131b; --surface: #171c27; --surface-2: #1c2230; --text: #e6e9f0; --muted: #a0a9bb; --border: #2b3344;
  --accent: #8097ff; --accent-soft: #222b4d; --accent-text: #0d1020; --ok: #5fd19b; --ok-soft: #16352a;
  --warn: #ffc46b; --warn-soft: #3a2c12; --danger: #ff8a80; --danger-soft: #3d1d1b; --pending: #5b6478;
  --code-bg: #121722; --shadow: none; } }
* { box-sizing: border-box; }
html { scroll-padding-top: 72px; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
a { color: var(--accent); }
code, pre { font-family: var(--mono); font-size: .86em; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }

.topbar { position: sticky; top: 0; z-index: 10; display: flex; align-items: center; gap: 20px; padding: 10px 24px;
  background: color-mix(in srgb, var(--surface) 92%, transparent); backdrop-filter: blur(8px); border-bottom: 1px solid var(--border); }
.brand { font-weight: 700; font-size: 1.05rem; color: var(--text); text-decoration: none; white-space: nowrap; }
.brand-sub { color: var(--muted); font-weight: 500; }
.logo { color: var(--accent); }
.grant-nav { display: flex; gap: 4px; flex-wrap: wrap; flex: 1; }
.grant-nav a, .server-links a { padding: 6px 11px; border-radius: 8px; color: var(--muted); text-decoration: none; font-weight: 550; font-size: .92rem; }
.grant-nav a:hover, .server-links a:hover { background: var(--surface-2); color: var(--text); }
.grant-nav a[aria-current="page"] { background: var(--accent-soft); color: var(--accent); }
.server-links { display: flex; gap: 4px; }

.flow-layout { display: grid; grid-template-columns: minmax(0, 1fr) 370px; gap: 24px; max-width: 1480px; margin: 0 auto; padding: 24px; }
@media (max-width: 1100px) { .flow-layout { grid-template-columns: 1fr; } }
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
  border: 1px solid var(--border); border-radius: 8px; min-width: 200px; }
.experiment { margin-top: 14px; padding-top: 12px; border-top: 1px dashed var(--border); }
.countdown strong { font-variant-numeric: tabular-nums; font-size: 1.15em; color: var(--warn); }
.alert { border: 1px solid var(--danger); background: var(--danger-soft); color: var(--danger); border-radius: 9px; padding: 9px 12px; }

.diagram-card { padding: 14px 14px 8px; overflow-x: auto; }
svg.sequence-diagram { display: block; width: 100%; min-width: 760px; height: auto; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.seq-actor rect { fill: var(--surface-2); stroke: var(--border); stroke-width: 1.5; }
.seq-actor-name { font-size: 15px; font-weight: 700; fill: var(--text); }
.seq-actor-sub { font-size: 11px; fill: var(--muted); }
.seq-lifeline { stroke: var(--border); stroke-width: 1.5; stroke-dasharray: 5 5; }
.seq-step { cursor: pointer; }
.seq-hit { fill: transparent; }
.seq-step:hover .seq-hit, .seq-step:focus-visible .seq-hit { fill: var(--accent-soft); }
.seq-label { font-size: 12.5px; fill: var(--text); paint-order: stroke; stroke: var(--surface); stroke-width: 4px; stroke-linejoin: round; }
.seq-num { font-weight: 700; }
.seq-arrow { stroke-width: 2; }
.seq-badge-text { font-size: 11px; font-weight: 700; fill: #fff; }
.seq-step.is-pending .seq-label { fill: var(--muted); opacity: .75; }
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

.steps, .extras, .prologue { display: flex; flex-direction: column; gap: 10px; }
.step-card { background: var(--surface); border: 1px solid var(--border); border-left: 4px solid var(--pending); border-radius: 12px; box-shadow: var(--shadow); }
.step-card.is-done { border-left-color: var(--accent); }
.step-card.is-failed { border-left-color: var(--danger); }
.step-card.is-extra { border-left-color: var(--warn); }
.step-card.is-pending { opacity: .72; box-shadow: none; }
@keyframes focus-flash { from { box-shadow: 0 0 0 4px var(--focus); } to { box-shadow: var(--shadow); } }
.step-card.is-focused { animation: focus-flash 1.2s ease-out; }
.step-card summary { display: grid; grid-template-columns: auto minmax(0, 1fr) auto; gap: 12px; align-items: center; padding: 11px 14px; cursor: pointer; list-style: none; }
.step-card summary::-webkit-details-marker { display: none; }
.step-num { display: grid; place-items: center; width: 28px; height: 28px; border-radius: 50%; background: var(--pending); color: #fff; font-weight: 700; font-size: .85rem; }
.is-done .step-num { background: var(--accent); } .is-failed .step-num { background: var(--danger); } .is-extra .step-num { background: var(--warn); }
.step-title { display: flex; flex-direction: column; min-width: 0; }
.step-arrow { font-size: .75rem; font-weight: 700; text-transform: uppercase; letter-spacing: .05em; color: var(--muted); }
.step-label { font-weight: 550; }
.chip { padding: 3px 9px; border-radius: 999px; font: 600 .8rem/1.4 var(--mono); background: var(--surface-2); border: 1px solid var(--border); white-space: nowrap; }
.chip.muted { font-family: inherit; font-weight: 500; color: var(--muted); }
.status-ok { color: var(--ok); } .status-redirect { color: var(--warn); } .status-error { color: var(--danger); }
.chip.status-ok { background: var(--ok-soft); border-color: transparent; } .chip.status-redirect { background: var(--warn-soft); border-color: transparent; }
.chip.status-error { background: var(--danger-soft); border-color: transparent; }
.step-body { padding: 0 16px 16px 54px; }
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
@media (prefers-reduced-motion: reduce) { *, *::before, *::after { animation: none !important; transition: none !important; } }
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
