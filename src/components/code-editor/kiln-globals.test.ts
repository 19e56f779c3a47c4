/**
 * The declarations cells see (kiln-globals.d.ts.txt) against what the kernel really installs:
 * the same names, and each kernel value fits its declared type, so IntelliSense cannot promise
 * what the kernel does not do. Checked with the TypeScript compiler on the real worker sources.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { KILN_GLOBALS } from './cell-typescript';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORKER_ENTRY = path.join(ROOT, 'src/kernel/worker/kernel.worker.ts');
const EXECUTE_CELL = path.join(ROOT, 'src/kernel/worker/execute-cell.ts');
// Beside the real sources, so its imports resolve from the project's node_modules.
const GLOBALS_FILE = path.join(ROOT, 'src/components/code-editor/kiln-globals.d.ts');

type Program = { program: ts.Program; checker: ts.TypeChecker; globals: ts.SourceFile };

/** The project's own compiler options (strict), with the declarations as one more file. */
function createProgram(): Program {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  if (!config) throw new Error('tsconfig.json could not be read');
  const host = ts.createCompilerHost(config.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    fileName === GLOBALS_FILE ? ts.createSourceFile(fileName, KILN_GLOBALS.content, languageVersion, true) : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => fileName === GLOBALS_FILE || fileExists(fileName);
  const program = ts.createProgram([WORKER_ENTRY, EXECUTE_CELL, GLOBALS_FILE], config.options, host);
  const globals = program.getSourceFile(GLOBALS_FILE);
  if (!globals) throw new Error('the declarations did not load');
  return { program, checker: program.getTypeChecker(), globals };
}

/** Each name declared in the `declare global` block, with its symbol (aliases unresolved, for their docs). */
function declaredGlobals({ checker, globals }: Program): Map<string, ts.Symbol> {
  const block = globals.statements.find((statement): statement is ts.ModuleDeclaration => ts.isModuleDeclaration(statement) && (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0);
  if (!block?.body || !ts.isModuleBlock(block.body)) throw new Error('kiln-globals.d.ts.txt has no `declare global { ... }` block');
  const declared = new Map<string, ts.Symbol>();
  for (const statement of block.body.statements) {
    const names = ts.isVariableStatement(statement) ? statement.declarationList.declarations.map((declaration) => declaration.name) : [(statement as ts.DeclarationStatement).name];
    for (const name of names) {
      const symbol = name && checker.getSymbolAtLocation(name);
      if (!symbol) throw new Error(`a statement in the declare global block declares no name: ${statement.getText().slice(0, 60)}`);
      declared.set(symbol.name, symbol);
    }
  }
  return declared;
}

function valueTypeOf(checker: ts.TypeChecker, symbol: ts.Symbol, location: ts.Node): ts.Type {
  const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  return checker.getTypeOfSymbolAtLocation(target, location);
}

/** What the kernel puts on globalThis: `Object.assign(globalThis, X)` in the worker entry, and `display`. */
function kernelGlobals({ program, checker }: Program): Map<string, ts.Type> {
  const entry = program.getSourceFile(WORKER_ENTRY);
  const executeCell = program.getSourceFile(EXECUTE_CELL);
  if (!entry || !executeCell) throw new Error('the kernel sources did not load');
  let installed: ts.Expression | undefined;
  const visit = (node: ts.Node): void => {
    if (
      ts.isCallExpression(node) &&
      node.expression.getText() === 'Object.assign' &&
      node.arguments[0]?.getText() === 'globalThis'
    ) {
      installed = node.arguments[1];
    }
    ts.forEachChild(node, visit);
  };
  visit(entry);
  if (!installed) throw new Error('kernel.worker.ts no longer installs its globals with Object.assign(globalThis, { ... }); update this test');
  const installedType = checker.getTypeAtLocation(installed);
  const kernel = new Map(checker.getPropertiesOfType(installedType).map((property) => [property.name, checker.getTypeOfSymbolAtLocation(property, installed!)]));

  // `display` is defined by the kernel scope (execute-cell.ts), as the `display` of KilnGlobal.
  const kilnGlobal = executeCell.statements.find((statement): statement is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(statement) && statement.name.text === 'KilnGlobal');
  const display = kilnGlobal && checker.getPropertyOfType(checker.getTypeAtLocation(kilnGlobal.name), 'display');
  if (!kilnGlobal || !display) throw new Error('execute-cell.ts no longer has KilnGlobal.display; update this test');
  kernel.set('display', checker.getTypeOfSymbolAtLocation(display, kilnGlobal));
  return kernel;
}

describe('kiln-globals.d.ts.txt', () => {
  let compiled: Program;
  beforeAll(() => {
    compiled = createProgram();
  }, 60_000);

  it('compiles without errors under the project\'s strict settings', () => {
    const { program, globals } = compiled;
    const diagnostics = [...program.getSyntacticDiagnostics(globals), ...program.getSemanticDiagnostics(globals)];
    expect(diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))).toEqual([]);
  });

  it('declares exactly the names the kernel installs', () => {
    const declared = [...declaredGlobals(compiled).keys()].sort();
    const installed = [...kernelGlobals(compiled).keys()].sort();
    expect(declared).toEqual(installed);
  });

  // Both ways: the kernel's value must satisfy the declaration (no promise it does not keep), and
  // the declaration must satisfy the kernel's type (no parameter it lacks, none narrower than it takes).
  it('gives each name the type of the kernel\'s value', () => {
    const { checker, globals } = compiled;
    const declared = declaredGlobals(compiled);
    const misfits = [...kernelGlobals(compiled)].flatMap(([name, kernelType]) => {
      const symbol = declared.get(name);
      if (!symbol) return [`${name}: not declared`];
      const declaredType = valueTypeOf(checker, symbol, globals);
      const [kernelText, declaredText] = [checker.typeToString(kernelType), checker.typeToString(declaredType)];
      return [
        ...(checker.isTypeAssignableTo(kernelType, declaredType) ? [] : [`${name}: the kernel's ${kernelText} does not satisfy the declared ${declaredText}`]),
        ...(checker.isTypeAssignableTo(declaredType, kernelType) ? [] : [`${name}: the declared ${declaredText} does not satisfy the kernel's ${kernelText}`]),
      ];
    });
    expect(misfits).toEqual([]);
  });

  it('documents every name and member with what it does and an example', () => {
    const { checker } = compiled;
    const undocumented: string[] = [];
    const check = (symbol: ts.Symbol, name: string) => {
      const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
      const hasExample = symbol.getJsDocTags(checker).some((tag) => tag.name === 'example' && ts.displayPartsToString(tag.text).trim() !== '');
      if (!text || !hasExample) undocumented.push(name);
    };
    for (const [name, symbol] of declaredGlobals(compiled)) {
      check(symbol, name);
      if (symbol.flags & ts.SymbolFlags.Namespace && !(symbol.flags & ts.SymbolFlags.Alias)) {
        for (const member of checker.getExportsOfModule(symbol)) check(member, `${name}.${member.name}`);
      }
    }
    expect(undocumented).toEqual([]);
  });
});
