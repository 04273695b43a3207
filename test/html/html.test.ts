import { describe, expect, it } from 'vitest';
import { escapeHtml, html, SafeHtml } from '../../src/html/html.js';

describe('escapeHtml', () => {
  it('escapes the five characters that end text or a quoted attribute', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('leaves everything else alone, non-ASCII included', () => {
    expect(escapeHtml('Grüße, 東京 — scope=read write; 1 + 1 = 2')).toBe('Grüße, 東京 — scope=read write; 1 + 1 = 2');
  });
});

describe('html``', () => {
  it('escapes interpolated text in element content and attributes', () => {
    const name = '<script>alert(1)</script>';
    const uri = 'https://client.example/cb?a=1&b="2"';
    expect(html`<p title="${uri}">${name}</p>`.value)
      .toBe('<p title="https://client.example/cb?a=1&amp;b=&quot;2&quot;">&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('keeps SafeHtml (nested templates) as it is, and escapes each item of an array', () => {
    const items = ['a&b', html`<b>${'<i>'}</b>`];
    expect(html`<ul>${items.map((item) => html`<li>${item}</li>`)}</ul>`.value).toBe('<ul><li>a&amp;b</li><li><b>&lt;i&gt;</b></li></ul>');
    expect(html`${['<', new SafeHtml('<br>')]}`.value).toBe('&lt;<br>');
  });

  it('renders undefined, null and false as nothing, numbers and true as text', () => {
    expect(html`[${undefined}${null}${false}]`.value).toBe('[]');
    expect(html`[${0}|${true}]`.value).toBe('[0|true]');
  });

  it('renders a plain object by its string, escaped, never as markup', () => {
    expect(html`${{ toString: () => '<img src=x onerror=alert(1)>' }}`.value).toBe('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('turns into its markup where a string is expected', () => {
    expect(`${html`<em>${'&'}</em>`}`).toBe('<em>&amp;</em>');
  });
});
