/** The playground's pages beside the grants: they show what the server speaks besides the flows. */
export const TOOL_PAGES = [
  { key: 'break-it', title: 'Break it', path: '/break-it', summary: 'Attack the servers for real: a tampered redirect_uri, a replayed code, a wrong state, a missing code_verifier, a replayed refresh token, a token for another API, expired versus under-scoped; each experiment shows the defence that stopped it.' },
  { key: 'registration', title: 'Registration', path: '/registration', summary: 'A client registers itself (RFC 7591), reads its registration back and deletes it (RFC 7592); and a client ID metadata document.' },
  { key: 'tokens', title: 'Introspect & revoke', path: '/tokens', summary: 'Ask the Auth Server about a token your flows obtained (RFC 7662), revoke it (RFC 7009), and see who still accepts it.' },
] as const;

export type ToolPageKey = (typeof TOOL_PAGES)[number]['key'];
