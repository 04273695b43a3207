import { describe, expect, it } from 'vitest';
import { breakItPage } from '../../../../src/demo/client/experiments/break-it-page.js';
import { ExperimentResult } from '../../../../src/demo/client/experiments/experiment.js';
import { BREAK_IT_SLOT } from '../../../../src/demo/client/experiments/lab-session.js';

const urls = { authorizationServer: 'http://127.0.0.1:9000', resourceServer: 'http://127.0.0.1:9001', client: 'http://127.0.0.1:9002' };

function sectionOf(page: string, id: string): string {
  const start = page.indexOf(`id="${id}"`);
  return page.slice(start, page.indexOf('</section>', page.indexOf('class="defence"', start)));
}

/** The verdict comes from the checks: a defence that did not hold is said in red, never as "held". */
describe('the Break it page verdicts', () => {
  it('says "did NOT hold" in an alert when any check failed, with what happened instead', () => {
    const state = BREAK_IT_SLOT.create();
    const result = new ExperimentResult();
    result.check(true, 'first thing held', 'unused');
    result.check(false, 'unused', 'The second redemption got new tokens: the code was accepted twice.');
    state.results.set('code-replay', result);
    const html = sectionOf(breakItPage(urls, state, 'csrf', 0), 'code-replay');
    expect(result.verdict).toBe('broken');
    expect(html).toContain('data-verdict="broken"');
    expect(html).toContain('class="verdict-box is-broken alert" role="alert"><strong>The defence did NOT hold.');
    expect(html).toContain('<strong>Not held: </strong>The second redemption got new tokens');
    expect(html).not.toContain('The defence held.');
  });

  it('does not call an experiment that stopped early a success', () => {
    const state = BREAK_IT_SLOT.create();
    state.results.set('audience', new ExperimentResult().stop('The server could not be reached. Is the demo still running?'));
    const html = sectionOf(breakItPage(urls, state, 'csrf', 0), 'audience');
    expect(html).toContain('data-verdict="incomplete"');
    expect(html).toContain('The experiment did not get as far as the defence.');
    expect(html).toContain('The server could not be reached.');
  });

  it('says "held" only when every check held', () => {
    const result = new ExperimentResult();
    result.check(true, 'refused: 400 invalid_grant', 'unused');
    expect(result.verdict).toBe('held');
    expect(new ExperimentResult().verdict).toBe('waiting');
  });
});
