export declare const ROOT: string;
export declare const DEFAULT_PORT: number;

export interface PreviewHandle {
  /** `http://localhost:PORT/` */
  url: string;
  port: number;
  /** Absolute path of the build folder served. */
  dist: string;
  close(): Promise<void>;
}

export declare function distDir(): string;
export declare function assertBuilt(dir?: string): void;
export declare function startPreviewServer(options?: {
  port?: number;
  dist?: string;
  logLevel?: 'info' | 'warn' | 'error' | 'silent';
}): Promise<PreviewHandle>;
/** Project-relative path for folders inside the project, the absolute path otherwise. */
export declare function displayPath(dir: string): string;
