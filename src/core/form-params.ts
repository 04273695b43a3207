import { InvalidRequest } from './errors.js';

/**
 * RFC 6749 §3.1 and §3.2: parameters sent without a value are treated as omitted, and request
 * parameters MUST NOT be included more than once. `repeatable` names the exceptions
 * (RFC 8707 `resource`), which come back as lists.
 */
export function singleValuedParams(
  form: URLSearchParams,
  repeatable: readonly string[] = [],
): { params: Record<string, string>; lists: Record<string, string[]> } {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const lists: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [name, value] of form) {
    // RFC 6749 Appendix A: no parameter value may hold control characters other than
    // whitespace; a NUL would otherwise reach the database, which refuses it.
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value) || /[\u0000-\u001F\u007F]/.test(name)) {
      throw new InvalidRequest('A parameter contains control characters.');
    }
    if (repeatable.includes(name)) {
      if (value !== '') (lists[name] ??= []).push(value);
      continue;
    }
    if (name in params) throw new InvalidRequest('A parameter is repeated; each parameter may appear only once (RFC 6749 section 3.2).');
    params[name] = value;
  }
  for (const name of Object.keys(params)) {
    if (params[name] === '') delete params[name];
  }
  return { params, lists };
}
