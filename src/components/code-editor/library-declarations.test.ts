import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { DECLARATION_FILES, libraryDeclarations, PACKAGE_TYPE_ENTRIES } from './library-declarations';

const NODE_MODULES = fileURLToPath(new URL('../../../node_modules/', import.meta.url));
const MONACO_PREFIX = 'file:///node_modules/';
/** The lazy chunk is fetched by everyone who opens a notebook; growing past this should be a decision. */
const DOWNLOAD_BUDGET_BYTES = 2_500_000;

const shipped = libraryDeclarations();
const shippedPaths = new Set(shipped.map((lib) => lib.filePath));
const packages = Object.keys(PACKAGE_TYPE_ENTRIES);

/**
 * The declaration files TypeScript reads for `import ... from '<each package>'`, following imports
 * and type references into the packages Kiln ships types for and no others (as in Monaco, where
 * the rest are absent).
 */
function reachableDeclarationFiles(): string[] {
  const options: ts.CompilerOptions = { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: [], noLib: true };
  const entry = fileURLToPath(new URL('../../../kiln-types-entry.ts', import.meta.url));
  const host = ts.createCompilerHost(options);
  const entryText = packages.map((name, i) => `import * as p${i} from '${name}';`).join('\n') + '\nexport {};\n';
  const shippedPackage = (file: string) => packages.some((name) => file.startsWith(`${NODE_MODULES}${name}/`));
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (file === entry ? entryText : readFile(file));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => file === entry || fileExists(file);
  host.resolveModuleNameLiterals = (literals, containingFile) =>
    literals.map((literal) => {
      const { resolvedModule } = ts.resolveModuleName(literal.text, containingFile, options, host);
      return { resolvedModule: resolvedModule && shippedPackage(resolvedModule.resolvedFileName) ? resolvedModule : undefined };
    });
  // `/// <reference types>` too (tfjs-core names @webgpu/types, which stays out).
  host.resolveTypeReferenceDirectiveReferences = (references, containingFile) =>
    references.map((reference) => {
      const name = typeof reference === 'string' ? reference : reference.fileName.toLowerCase();
      const { resolvedTypeReferenceDirective: resolved } = ts.resolveTypeReferenceDirective(name, containingFile, options, host);
      return { resolvedTypeReferenceDirective: resolved?.resolvedFileName && shippedPackage(resolved.resolvedFileName) ? resolved : undefined };
    });
  const program = ts.createProgram([entry], options, host);
  return program
    .getSourceFiles()
    .map((file) => file.fileName)
    .filter((file) => file.startsWith(NODE_MODULES));
}

describe('library declarations for Monaco', () => {
  it('gives Monaco exactly the declaration files TypeScript reads for the packages', () => {
    const reachable = reachableDeclarationFiles();
    // Sanity: the walk really followed tfjs into its packages and danfo into its base.
    expect(reachable).toContain(`${NODE_MODULES}@tensorflow/tfjs-layers/dist/exports_layers.d.ts`);
    expect(reachable).toContain(`${NODE_MODULES}danfojs/dist/danfojs-base/core/frame.d.ts`);
    const expected = reachable.map((file) => `${MONACO_PREFIX}${file.slice(NODE_MODULES.length)}`).sort();
    const given = [...shippedPaths].filter((path) => path.endsWith('.d.ts')).sort();
    expect(given).toEqual(expected);
  });

  it('names each package entry point in a package.json that exists among the files', () => {
    for (const [name, types] of Object.entries(PACKAGE_TYPE_ENTRIES)) {
      const manifest = shipped.find((lib) => lib.filePath === `${MONACO_PREFIX}${name}/package.json`);
      expect(manifest && JSON.parse(manifest.content)).toEqual({ name, types });
      expect(shippedPaths).toContain(`${MONACO_PREFIX}${name}/${types}`);
    }
  });

  it('ships only modules, so no file adds global names to every cell', () => {
    const scripts = Object.entries(DECLARATION_FILES)
      .filter(([path, content]) => !ts.isExternalModule(ts.createSourceFile(path, content, ts.ScriptTarget.ESNext)))
      .map(([path]) => path);
    expect(scripts).toEqual([]);
  });

  it('stays within its download budget', () => {
    const bytes = Object.values(DECLARATION_FILES).reduce((total, content) => total + new TextEncoder().encode(content).length, 0);
    expect(bytes).toBeLessThan(DOWNLOAD_BUDGET_BYTES);
  });
});
