/**
 * Turns the server's TypeScript sources (and the preprocessing module it imports) into the
 * JavaScript files the artifact ships: types stripped with sucrase (nothing else changes, so a
 * stack trace in production points at recognisable code), relative imports rewritten to the
 * files' places in the artifact with the `.js` extension Node's ES modules require. Pure: it runs
 * in the browser when Kiln exports a model, and in Node in the tests.
 */
import { parse } from 'acorn';
import { transform } from 'sucrase';

/** Source paths are relative to src/: 'export/server/app.ts', 'preprocess/index.ts'. */
export type SourceFiles = Readonly<Record<string, string>>;

/** Where each source folder lands in the artifact; the first matching prefix wins. */
export const ARTIFACT_PLACEMENT: readonly (readonly [source: string, artifact: string])[] = [
  ['export/server/', 'server/'],
  ['preprocess/', 'server/preprocess/'],
  ['export/artifact-test/', 'test/'],
];

/** The only packages the artifact installs (see its package.json); anything else would fail at start-up. */
export const ARTIFACT_PACKAGES: readonly string[] = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'];

export class PackError extends Error {
  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.name = 'PackError';
  }
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '' && segment !== '.');
}

/** POSIX path resolution without node:path, which the browser lacks. */
function resolvePath(fromDir: string, relative: string): string {
  const resolved = segmentsOf(fromDir);
  for (const segment of segmentsOf(relative)) {
    if (segment !== '..') resolved.push(segment);
    else if (resolved.length > 0) resolved.pop();
    else throw new Error(`"${relative}" leaves the source tree`);
  }
  return resolved.join('/');
}

function relativeSpecifier(fromDir: string, to: string): string {
  const from = segmentsOf(fromDir);
  const target = segmentsOf(to);
  let common = 0;
  while (common < from.length && common < target.length - 1 && from[common] === target[common]) common++;
  const up = from.slice(common).map(() => '..');
  const path = [...up, ...target.slice(common)].join('/');
  return up.length === 0 ? `./${path}` : path;
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

export function artifactPathOf(sourcePath: string): string {
  const placement = ARTIFACT_PLACEMENT.find(([source]) => sourcePath.startsWith(source));
  if (!placement || !sourcePath.endsWith('.ts')) throw new PackError(sourcePath, `is not a .ts file under ${ARTIFACT_PLACEMENT.map(([source]) => source).join(', ')}`);
  return `${placement[1]}${sourcePath.slice(placement[0].length, -'.ts'.length)}.js`;
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:');
}

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

type Literal = { type: 'Literal'; start: number; end: number; value: unknown };
type AstNode = { type: string; source?: Literal | null; [key: string]: unknown };

/** Every static or literal dynamic module specifier in the program, found by walking the whole tree. */
function specifierNodes(program: AstNode): Literal[] {
  const found: Literal[] = [];
  const visit = (node: AstNode): void => {
    const isModuleReference = node.type === 'ImportDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ImportExpression';
    if (isModuleReference && node.source?.type === 'Literal' && typeof node.source.value === 'string') found.push(node.source);
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) {
        for (const child of value) if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string') visit(child as AstNode);
      } else if (value && typeof value === 'object' && typeof (value as AstNode).type === 'string') visit(value as AstNode);
    }
  };
  visit(program);
  return found;
}

function resolveImport(sources: SourceFiles, sourcePath: string, specifier: string): string {
  let base: string;
  try {
    base = resolvePath(dirOf(sourcePath), specifier);
  } catch (error) {
    throw new PackError(sourcePath, `imports ${(error as Error).message}`);
  }
  const candidates = [base, `${base}.ts`, `${base}/index.ts`].filter((candidate) => candidate.endsWith('.ts'));
  const target = candidates.find((candidate) => Object.hasOwn(sources, candidate));
  if (!target) throw new PackError(sourcePath, `imports "${specifier}", which is not among the packed sources (looked for ${candidates.join(', ')})`);
  return target;
}

function packOne(sources: SourceFiles, sourcePath: string, packages: ReadonlySet<string>): string {
  let code: string;
  try {
    code = transform(sources[sourcePath] as string, { transforms: ['typescript'], disableESTransforms: true, filePath: sourcePath }).code;
  } catch (error) {
    throw new PackError(sourcePath, `cannot strip types: ${(error as Error).message}`);
  }
  const program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' }) as unknown as AstNode;
  const outputPath = artifactPathOf(sourcePath);
  const edits = specifierNodes(program).map((literal) => {
    const specifier = literal.value as string;
    if (specifier.startsWith('.')) {
      const target = artifactPathOf(resolveImport(sources, sourcePath, specifier));
      return { literal, replacement: JSON.stringify(relativeSpecifier(dirOf(outputPath), target)) };
    }
    if (!isBuiltin(specifier) && !packages.has(packageOf(specifier))) {
      throw new PackError(sourcePath, `imports "${specifier}", but the artifact installs only ${[...packages].join(', ')} (and node: built-ins)`);
    }
    return null;
  });
  let packed = code;
  for (const edit of edits.filter((candidate) => candidate !== null).sort((a, b) => b.literal.start - a.literal.start)) {
    packed = packed.slice(0, edit.literal.start) + edit.replacement + packed.slice(edit.literal.end);
  }
  return packed;
}

/** JavaScript files keyed by their path in the artifact ('server/app.js', 'server/preprocess/index.js', 'test/...'). */
export function packSources(sources: SourceFiles, packages: readonly string[] = ARTIFACT_PACKAGES): Map<string, string> {
  const allowed = new Set(packages);
  const packed = new Map<string, string>();
  for (const sourcePath of Object.keys(sources).sort()) packed.set(artifactPathOf(sourcePath), packOne(sources, sourcePath, allowed));
  return packed;
}
