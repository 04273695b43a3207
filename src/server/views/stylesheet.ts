/** The pages' only stylesheet, served from /assets so that the CSP needs no inline styles. */
export const STYLESHEET = `
:root { color-scheme: light dark; --bg: #f4f5f8; --card: #fff; --text: #1d2433; --muted: #5b6478; --accent: #3451d1;
  --accent-text: #fff; --border: #d9dde6; --danger: #b42318; --focus: #f5b400; }
@media (prefers-color-scheme: dark) { :root { --bg: #11141b; --card: #1a1f2b; --text: #e8ebf2; --muted: #a3abbd;
  --accent: #7d93ff; --accent-text: #0d1020; --border: #2e3546; --danger: #ff8a80; } }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; background: var(--bg); color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; padding: 24px; }
.card { width: 100%; max-width: 420px; background: var(--card); border: 1px solid var(--border); border-radius: 14px;
  padding: 32px; box-shadow: 0 8px 30px rgb(0 0 0 / 8%); }
.brand { margin: 0 0 20px; font-weight: 700; letter-spacing: .02em; color: var(--muted); }
.logo { color: var(--accent); }
/* Long names, hosts and codes wrap inside the card: no sideways scrolling on a 390 px phone. */
.card { overflow-wrap: anywhere; }
.card:focus { outline: none; }
@media (max-width: 480px) { body { padding: 12px; } .card { padding: 22px 18px; } }
.skip-link { position: absolute; left: 12px; top: -100px; padding: 10px 16px; border-radius: 8px; background: var(--accent);
  color: var(--accent-text); font-weight: 700; text-decoration: none; }
.skip-link:focus { top: 10px; outline: 3px solid var(--focus); outline-offset: 2px; }
h1 { font-size: 1.5rem; margin: 0 0 8px; line-height: 1.25; }
p { margin: 0 0 16px; }
.muted { color: var(--muted); font-size: .95rem; }
label { display: block; font-weight: 600; margin: 16px 0 6px; }
input[type=text], input[type=password] { width: 100%; padding: 10px 12px; font: inherit; color: inherit; background: transparent;
  border: 1px solid var(--border); border-radius: 8px; }
input:focus-visible, button:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.actions { display: flex; gap: 12px; margin-top: 24px; }
button { flex: 1; padding: 11px 16px; font: inherit; font-weight: 600; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: var(--accent-text); }
button.secondary { background: transparent; color: var(--text); border-color: var(--border); }
.alert { border: 1px solid var(--danger); color: var(--danger); border-radius: 8px; padding: 10px 12px; margin: 16px 0 0; }
ul.scopes { list-style: none; padding: 0; margin: 16px 0; border: 1px solid var(--border); border-radius: 10px; }
ul.scopes li { padding: 12px 14px; border-top: 1px solid var(--border); }
ul.scopes li:first-child { border-top: 0; }
ul.scopes strong { display: block; }
a { color: var(--accent); }
h2 { font-size: 1.1rem; margin: 24px 0 8px; }
.notice { border: 1px solid var(--accent); border-radius: 8px; padding: 10px 12px; margin: 16px 0 0; }
ul.apps { list-style: none; padding: 0; margin: 8px 0 16px; }
ul.apps li { padding: 12px 0; border-top: 1px solid var(--border); display: grid; gap: 4px; }
ul.apps form { margin: 4px 0 0; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
`;
