/**
 * The README is the package's front page and links into docs/: every relative link of the
 * Markdown pages must reach a file of the repository, and a `#fragment` a heading of that file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

const pages = ['README.md', 'CHANGELOG.md', ...fs.readdirSync(path.join(ROOT, 'docs')).map((f) => `docs/${f}`)].filter(
  (page) => page.endsWith('.md'),
);

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** The anchors of the headings of a Markdown page (fenced code left out). */
const anchorsOf = (file: string): ReadonlySet<string> =>
  new Set(
    fs
      .readFileSync(file, 'utf8')
      .replace(/^```[\s\S]*?^```/gm, '')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => slug(line.replace(/^#+ /, ''))),
  );

/** The targets of the inline links of a page, outside fenced code. */
const linksOf = (file: string): ReadonlyArray<string> =>
  [
    ...fs
      .readFileSync(file, 'utf8')
      .replace(/^```[\s\S]*?^```/gm, '')
      .matchAll(/\]\(([^)\s]+)\)/g),
  ].map((m) => m[1] ?? '');

describe.each(pages)('%s', (page) => {
  const file = path.join(ROOT, page);

  it('should link only to files of the repository that exist, and to headings they have', () => {
    const broken = linksOf(file)
      .filter((link) => !/^[a-z]+:/.test(link))
      .filter((link) => {
        const [target = '', fragment] = link.split('#');
        const linked = target === '' ? file : path.resolve(path.dirname(file), target);
        if (!fs.existsSync(linked)) {
          return true;
        }
        return fragment !== undefined && linked.endsWith('.md') && !anchorsOf(linked).has(fragment);
      });
    expect(broken).toEqual([]);
  });
});
