import { describe, expect, it } from 'vitest';
import { GRANT_PAGES } from '../../../../src/demo/client/flows/grant-catalog.js';
import { sequenceDiagramSvg } from '../../../../src/demo/client/views/sequence-diagram-svg.js';

describe('the five sequence diagrams', () => {
  it('follow the tutorial: numbered 1..n, between the lanes each grant uses', () => {
    expect(GRANT_PAGES.map((grant) => grant.diagram.steps.length)).toEqual([8, 6, 5, 4, 6, 11]);
    for (const grant of GRANT_PAGES) {
      expect(grant.diagram.steps.map((step) => step.number)).toEqual(grant.diagram.steps.map((_, i) => i + 1));
      for (const step of grant.diagram.steps) {
        expect(grant.diagram.participants).toContain(step.from);
        expect(grant.diagram.participants).toContain(step.to);
      }
    }
    const code = GRANT_PAGES[0]!.diagram.steps;
    expect(code[0]?.lines[0]).toBe('I want to access my resources');
    expect(code[7]?.lines.join(' ')).toContain('Here are the resources you requested.');
  });

  it('say 401 invalid_token for the expired token, where the tutorial says 403', () => {
    const refresh = GRANT_PAGES.find((grant) => grant.key === 'refresh-token')!;
    const answer = refresh.diagram.steps[1]!.lines.join(' ');
    expect(answer).toContain('401');
    expect(answer).toContain('invalid_token');
    expect(answer).not.toContain('403');
  });

  it('are drawn as SVG with one linked, state-classed arrow per step and no inline style', () => {
    const grant = GRANT_PAGES[0]!;
    const svg = sequenceDiagramSvg(grant.diagram, { steps: new Map([['ask-for-resources', 'done'], ['redirect-to-auth-server', 'failed']]), fresh: ['redirect-to-auth-server'] }, {}).value;
    expect(svg.startsWith('<svg')).toBe(true);
    for (const step of grant.diagram.steps) expect(svg).toContain(`href="#step-${step.id}"`);
    expect(svg).toMatch(/id="diagram-step-ask-for-resources" data-step-id="ask-for-resources" data-step="1" class="seq-step is-done"/);
    expect(svg).toMatch(/id="diagram-step-redirect-to-auth-server"[^>]*class="seq-step is-failed is-fresh delay-0"/);
    expect(svg).toMatch(/id="diagram-step-user-at-auth-server"[^>]*data-step="3" class="seq-step is-pending"/);
    expect(svg).not.toContain('style=');
  });
});
