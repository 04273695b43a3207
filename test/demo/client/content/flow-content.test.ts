import { describe, expect, it } from 'vitest';
import { controlText, defineFlow, fillSteps, problemText, type FlowContent } from '../../../../src/demo/client/content/flow-content.js';
import { GRANT_PAGES } from '../../../../src/demo/client/flows/grant-catalog.js';

const FLOWS: readonly [string, FlowContent][] = GRANT_PAGES.map((grant) => [grant.key, grant.flow]);

describe('the flows as data', () => {
  it.each(FLOWS)('%s: every step has an id, the tutorial\'s caption and notes; numbers come from positions', (_key, flow) => {
    expect(flow.diagram.steps.map((step) => step.number)).toEqual(flow.steps.map((_, i) => i + 1));
    expect(new Set(flow.steps.map((step) => step.id)).size).toBe(flow.steps.length);
    for (const step of flow.steps) {
      expect(step.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(step.caption.join(' ').length, step.id).toBeGreaterThan(5);
      expect(step.notes.length, `${step.id} has notes`).toBeGreaterThan(0);
      for (const note of step.notes) expect(note.trim().length).toBeGreaterThan(10);
    }
  });

  it.each(FLOWS)('%s: every control and problem text names real steps, and no text carries a step number of its own', (_key, flow) => {
    for (const control of Object.keys(flow.controls)) {
      expect(() => controlText(flow, control)).not.toThrow();
      // Numbers come only from {step-id}: "steps 5–6" written by hand would drift when a step is added.
      expect(flow.controls[control], control).not.toMatch(/steps? \d|^\w+: \d\./);
    }
    for (const problem of Object.keys(flow.problems)) expect(() => problemText(flow, problem)).not.toThrow();
    for (const [name, extra] of Object.entries(flow.extras)) {
      expect(extra.title.length, name).toBeGreaterThan(5);
      expect(extra.notes.length, name).toBeGreaterThan(0);
    }
  });

  it('fills step numbers from the diagram, and refuses an unknown step', () => {
    const code = GRANT_PAGES.find((grant) => grant.key === 'authorization-code')!.flow;
    expect(controlText(code, 'redeem')).toBe('Run steps 5–6: exchange the code for a token');
    expect(controlText(code, 'start')).toBe('Start: 1. I want to access my resources');
    expect(() => fillSteps('step {no-such-step}', code.diagram)).toThrow(/no step no-such-step/);
  });

  it('refuses a flow with the same step id twice', () => {
    const step = { id: 'same', from: 'User', to: 'Client', caption: ['x'], notes: ['y'] } as const;
    expect(() => defineFlow({ participants: ['User', 'Client'], steps: [step, step], controls: {}, problems: {} })).toThrow(/twice/);
  });
});
