/**
 * Each code cell has a Monaco model at a stable URI. TypeScript cells are `.ts` scripts in one
 * folder, so Monaco's TypeScript worker sees them as one program and names declared in one
 * cell complete in the next, as they do in the kernel.
 */
export function modelUriFor(cellId: string, language: string): string {
  return `file:///notebook/${cellId}.${extensionOf(language)}`;
}

export function languageIdOf(language: string): string {
  return language === 'typescript' || language === 'markdown' || language === 'python' ? language : 'plaintext';
}

function extensionOf(language: string): string {
  switch (language) {
    case 'typescript':
      return 'ts';
    case 'markdown':
      return 'md';
    case 'python':
      return 'py';
    default:
      return 'txt';
  }
}
