/** Jupyter .ipynb (nbformat 4) import and export. */
export { exportIpynb, serializeIpynb } from './export';
export { importIpynb } from './import';
export type { ImportError, ImportErrorCode, ImportOptions, ImportResult } from './import';
export type { IpynbNotebook } from './nbformat';
