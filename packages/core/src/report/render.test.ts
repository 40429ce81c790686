import { describe, expect, it } from 'vitest';
import {
  assembleModelCard,
  assembleReport,
  CLAIM,
  escapeHtml,
  escapeMarkdown,
  reliabilitySvg,
  renderHtml,
  renderMarkdown,
  TRIPOD_AI,
} from '../index.js';
import { reportFacts } from '../test-support/report-facts.js';

const HOSTILE = '<script>alert("x")</script> | *bold* [link](javascript:alert(1)) & \'quote\'';
const hostile = reportFacts({ datasetName: HOSTILE, classNames: ['<img src=x onerror=alert(1)>', 'a|b'] });

describe('renderHtml', () => {
  const html = renderHtml(assembleReport(hostile, TRIPOD_AI));

  it('escapes every string from the facts', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&#39;quote&#39;');
  });

  it('is one self-contained page: inline style, no scripts, no external resources', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<style>');
    const urls = html.match(/https?:\/\/[^\s"'<]+/g) ?? [];
    expect(urls.filter((u) => u !== 'http://www.w3.org/2000/svg')).toEqual([]);
    expect(html).not.toMatch(/<(link|iframe|object|embed)\b/i);
  });

  it('draws the reliability diagram as inline SVG, and shows tables as tables', () => {
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).toMatch(/<circle cx="[\d.]+" cy="[\d.]+" r="[\d.]+"/);
    expect(html).toContain('<table><caption>Test split of');
    expect(html).toContain('<li>1 Title: ');
  });

  it('escapes text inside the SVG too', () => {
    const svg = reliabilitySvg(
      [{ lower: 0, upper: 1, count: 3, meanConfidence: 0.5, observedFrequency: 0.4 }],
      null,
      HOSTILE,
    );
    expect(svg).not.toMatch(/<script/);
    expect(svg).toContain(escapeHtml(HOSTILE));
  });
});

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(assembleReport(hostile, CLAIM));

  it('escapes HTML and Markdown in strings from the facts', () => {
    expect(markdown).not.toMatch(/<script/i);
    expect(markdown).not.toMatch(/<img/i);
    expect(markdown).toContain(escapeMarkdown(HOSTILE));
    expect(escapeMarkdown(HOSTILE)).toBe(
      '&lt;script&gt;alert("x")&lt;/script&gt; \\| \\*bold\\* \\[link\\](javascript:alert(1)) &amp; \'quote\'',
    );
    expect(markdown).toContain('a\\|b');
  });

  it('keeps each table row on one line with the header column count', () => {
    const tables = markdown.split('\n\n').filter((chunk) => chunk.startsWith('| '));
    expect(tables.length).toBeGreaterThan(3);
    for (const t of tables) {
      const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
      const [header, ...rows] = t.split('\n');
      for (const row of rows) expect(cells(row), row).toBe(cells(header!));
    }
  });

  it('escapes leading block markers so a value cannot start a heading or a list', () => {
    expect(escapeMarkdown('# heading')).toBe('\\# heading');
    expect(escapeMarkdown('- item')).toBe('\\- item');
    expect(escapeMarkdown('12. item')).toBe('12\\. item');
    expect(escapeMarkdown('0.919 [0.866, 0.952]')).toBe('0.919 \\[0.866, 0.952\\]');
    expect(escapeMarkdown('-0.048')).toBe('-0.048');
    expect(escapeMarkdown('two\nlines')).toBe('two lines');
  });

  it('renders the model card', () => {
    const card = renderMarkdown(assembleModelCard(reportFacts()));
    expect(card).toContain('# Model card: breastmnist scratch vs transfer');
    expect(card).toContain('### intended-use Intended use (to be supplied by the authors)');
  });
});
