import { describe, expect, it } from 'vitest';
import type { TutorialCorrection } from '../../../../src/demo/client/content/flow-content.js';
import { rfcHref } from '../../../../src/demo/client/content/references.js';
import { GRANT_PAGES, type GrantKey } from '../../../../src/demo/client/flows/grant-catalog.js';
import { failedOutcome } from '../../../../src/demo/client/views/step-outcome.js';

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

describe('a caption the playground corrects keeps the tutorial\'s own as what it expected', () => {
  const step = (key: GrantKey, stepId: string) => GRANT_PAGES.find((grant) => grant.key === key)!.diagram.steps.find((candidate) => candidate.id === stepId)!;
  const failed = (key: GrantKey, stepId: string) => {
    const exchange = { vantage: 'client' as const, request: { method: 'POST', url: 'http://127.0.0.1/x', query: [], headers: [] }, jwts: [],
      response: { status: 400, statusText: 'Bad Request', headers: [], body: { type: 'json' as const, value: { error: 'invalid_client' } } } };
    return failedOutcome(step(key, stepId), { exchange, part: 'response', state: 'failed', notes: [] }).value;
  };

  it('client credentials: the tutorial expected "the TOKEN to access the user resources"; the diagram says protected resources', () => {
    expect(step('client-credentials', 'token-response').lines.join(' ')).toContain('to access the protected resources');
    expect(failed('client-credentials', 'token-response')).toMatch(/What the tutorial expected:<\/span> Hey Client, The credentials provided are correct\. Here is the TOKEN to access the user resources\./);
  });

  it('refresh: the tutorial expected "I\'m throwing 403 forbidden error"; the diagram says 401 invalid_token', () => {
    expect(step('refresh-token', 'expired-response').lines.join(' ')).toContain('401');
    expect(failed('refresh-token', 'expired-response')).toContain('What the tutorial expected:</span> The access token is expired! I&#39;m throwing 403 forbidden error. Sorry!');
  });

  it('only a step with a correction callout rewrites the tutorial\'s caption', () => {
    for (const grant of GRANT_PAGES) {
      for (const diagramStep of grant.diagram.steps) {
        if (diagramStep.tutorialLines !== diagramStep.lines) expect(diagramStep.corrections.length, `${grant.key} ${diagramStep.id}`).toBeGreaterThan(0);
      }
    }
  });
});
