/**
 * Deterministic nbformat-4 notebooks for benchmarks: a mix of TypeScript code cells (5–20 lines)
 * and markdown cells. The same seed always gives the same bytes.
 */
import { random } from './random.mjs';

const WORDS = ['sample', 'feature', 'loss', 'batch', 'epoch', 'score', 'weight', 'label', 'metric', 'series', 'window', 'total'];

function codeLines(rand, index, count) {
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)];
  const int = (below) => Math.floor(rand() * below);
  // Each template is self-contained, valid TypeScript (declares what it uses; names are unique per cell).
  const oneLine = [
    (n) => `const ${pick()}${n} = [${[0, 0, 0, 0].map(() => int(100)).join(', ')}];`,
    (n) => `const ${pick()}Map${n} = new Map<string, number>([['a', ${n}], ['b', ${n * 2}]]);`,
    (n) => `console.log('${pick()} ${n}:', ${int(1000)} / ${1 + int(9)});`,
    () => `// ${pick()} and ${pick()} are normalised before the next step`,
  ];
  const multiLine = [
    (n) => {
      const name = `${pick()}Sum${n}`;
      return [`let ${name} = 0;`, `for (let i = 0; i < ${10 + int(90)}; i++) ${name} += i * ${rand().toFixed(3)};`];
    },
    (n) => [`function ${pick()}Fn${n}(x: number, y = ${int(10)}): number {`, '  return Math.sqrt(x * x + y * y);', '}'],
    (n) => [`interface Row${n} {`, '  id: number;', `  ${pick()}: string;`, `  ${pick()}Value?: number;`, '}'],
    (n) => [
      `const rows${n} = Array.from({ length: ${5 + int(50)} }, (_, i) => ({ id: i, value: i ** 2 }));`,
      `const mean${n} = rows${n}.reduce((sum, row) => sum + row.value, 0) / rows${n}.length;`,
    ],
  ];
  const lines = [];
  let n = index * 100;
  while (lines.length < count) {
    const room = count - lines.length;
    let block = rand() < 0.5 ? multiLine[int(multiLine.length)](n) : [oneLine[int(oneLine.length)](n)];
    if (block.length > room) block = [oneLine[int(oneLine.length)](n)];
    lines.push(...block);
    n += 1;
  }
  return lines;
}

function markdownLines(rand, index) {
  const pick = () => WORDS[Math.floor(rand() * WORDS.length)];
  const lines = [`## Step ${index + 1}: ${pick()} ${pick()}`, '', `We compute the **${pick()}** for each ${pick()} and compare it with the \`${pick()}\` baseline.`];
  if (rand() < 0.5) lines.push('', `- ${pick()} first`, `- then ${pick()}`, `- finally *${pick()}*`);
  if (rand() < 0.3) lines.push('', `$$ ${pick()} = \\sum_i x_i^2 $$`);
  return lines;
}

/** Jupyter stores source as a list of lines, each but the last ending in a newline. */
const toSource = (lines) => lines.map((line, i) => (i < lines.length - 1 ? `${line}\n` : line));

/**
 * An nbformat 4.5 notebook object.
 * @param {{cells?: number, seed?: number, codeShare?: number}} [options]
 */
export function generateNotebook({ cells = 200, seed = 42, codeShare = 0.65 } = {}) {
  const rand = random(seed);
  const list = [];
  for (let index = 0; index < cells; index++) {
    const id = `bench-${String(index).padStart(4, '0')}`;
    if (index === 0 || rand() >= codeShare) {
      list.push({ id, cell_type: 'markdown', metadata: {}, source: toSource(markdownLines(rand, index)) });
    } else {
      const count = 5 + Math.floor(rand() * 16); // 5–20 lines
      list.push({ id, cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: toSource(codeLines(rand, index, count)) });
    }
  }
  return {
    cells: list,
    metadata: {
      kernelspec: { name: 'typescript', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** The notebook as .ipynb file bytes (JSON, one-space indent as Jupyter writes it). */
export function notebookFile(options) {
  return Buffer.from(`${JSON.stringify(generateNotebook(options), null, 1)}\n`, 'utf8');
}
