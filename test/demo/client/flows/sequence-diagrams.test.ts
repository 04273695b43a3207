import { describe, expect, it } from 'vitest';
import { GRANT_PAGES } from '../../../../src/demo/client/flows/grant-catalog.js';
import { sequenceDiagram, sequenceDiagramSvg, sequenceStepList } from '../../../../src/demo/client/views/sequence-diagram-svg.js';

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

  it('are links a keyboard reaches, not content of an image, and name each step and its state in words', () => {
    const grant = GRANT_PAGES[0]!;
    const svg = sequenceDiagramSvg(grant.diagram, { steps: new Map([['ask-for-resources', 'done'], ['redirect-to-auth-server', 'failed']]), fresh: [] }, {}).value;
    expect(svg).not.toContain('role="img"');
    expect(svg).toMatch(/^<svg[^>]*role="group"/);
    expect(svg).toContain('aria-label="Step 1, User to Client: I want to access my resources (done). Show the HTTP exchange."');
    expect(svg).toMatch(/id="diagram-step-redirect-to-auth-server"[^>]*aria-label="Step 2, Client to User: [^"]*\(failed\)/);
    expect(svg).toMatch(/id="diagram-step-user-at-auth-server"[^>]*aria-label="[^"]*\(not yet run\)/);
    // The lanes' boxes and lines are decoration: only the steps are announced.
    expect(svg.match(/<g class="seq-actor" aria-hidden="true">/g)).toHaveLength(grant.diagram.participants.length);
  });

  it('have a phone rendering: an ordered list, one "From → To" item per step, with the arrows\' state classes', () => {
    for (const grant of GRANT_PAGES) {
      const [one, two, three] = grant.diagram.steps.map((step) => step.id);
      const list = sequenceStepList(grant.diagram, { steps: new Map([[one!, 'done'], [two!, 'failed']]), fresh: [two!] }).value;
      expect(list.startsWith('<ol class="seq-list"')).toBe(true);
      expect(list.match(/<li /g)).toHaveLength(grant.diagram.steps.length);
      for (const step of grant.diagram.steps) expect(list).toContain(`href="#step-${step.id}"`);
      expect(list).toMatch(new RegExp(`class="seq-step is-done" data-diagram-item="${one}"[\\s\\S]*?>done<`));
      expect(list).toMatch(new RegExp(`class="seq-step is-failed is-fresh delay-0" data-diagram-item="${two}"[\\s\\S]*?>failed<`));
      expect(list).toMatch(new RegExp(`class="seq-step is-pending" data-diagram-item="${three}"[\\s\\S]*?>not yet run<`));
      const first = grant.diagram.steps[0]!;
      expect(list).toContain(`${first.from} <span aria-hidden="true">→</span><span class="visually-hidden">to</span> ${first.to}`);
      const both = sequenceDiagram(grant.diagram, { steps: new Map(), fresh: [] }, {}).value;
      expect(both).toContain('<svg');
      expect(both).toContain('<ol class="seq-list"');
      expect(both).not.toContain('style=');
    }
  });
});
