import { describe, expect, it } from 'vitest';
import type { TutorialCorrection } from '../../../../src/demo/client/content/flow-content.js';
import { rfcHref } from '../../../../src/demo/client/content/references.js';
import { GRANT_PAGES, type GrantKey } from '../../../../src/demo/client/flows/grant-catalog.js';

function corrections(key: GrantKey, stepId: string): readonly TutorialCorrection[] {
  const step = GRANT_PAGES.find((grant) => grant.key === key)!.diagram.steps.find((candidate) => candidate.id === stepId);
  if (!step) throw new Error(`no step ${stepId} in ${key}`);
  return step.corrections;
}
const text = (list: readonly TutorialCorrection[]) => list.map((c) => `${c.tutorial} ${c.rfc} ${c.refs.map(rfcHref).join(' ')}`).join('\n');

describe('where the tutorial contradicts the RFCs', () => {
  it('every correction quotes the tutorial, says what the RFC says, and links a section', () => {
    const all = GRANT_PAGES.flatMap((grant) => grant.diagram.steps.flatMap((step) => step.corrections));
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const correction of all) {
      expect(correction.tutorial).toMatch(/^The tutorial/);
      expect(correction.rfc.length).toBeGreaterThan(30);
      for (const reference of correction.refs) expect(reference.section).toMatch(/^\d+(\.\d+)*$/);
    }
  });

  it('corrects the grant_type the tutorial gives every token request', () => {
    expect(text(corrections('password', 'token-request'))).toContain('grant_type=password');
    expect(text(corrections('password', 'token-request'))).toContain('rfc6749#section-4.3.2');
    expect(text(corrections('client-credentials', 'token-request'))).toContain('grant_type=client_credentials');
    expect(text(corrections('client-credentials', 'token-request'))).toContain('rfc6749#section-4.4.2');
    expect(text(corrections('refresh-token', 'refresh-request'))).toContain('grant_type=refresh_token');
    expect(text(corrections('refresh-token', 'refresh-request'))).toContain('rfc6749#section-6');
  });

  it('says 401 with WWW-Authenticate, not 403, for an expired token, and that the Resource Server says so', () => {
    const answer = text(corrections('refresh-token', 'expired-response'));
    expect(answer).toContain('403');
    expect(answer).toContain('401');
    expect(answer).toContain('WWW-Authenticate');
    expect(answer).toContain('rfc6750#section-3.1');
    expect(text(corrections('refresh-token', 'expired-request'))).toMatch(/The Resource Server is the one that refuses the token/);
  });

  it('says client credentials read the client\'s own resources, not a user\'s', () => {
    expect(text(corrections('client-credentials', 'token-response'))).toMatch(/user resources[\s\S]*There is no user[\s\S]*the client's own resources/);
  });
});
