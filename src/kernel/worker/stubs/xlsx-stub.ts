/**
 * danfo.js requires the whole of SheetJS (~400 kB) for read_excel/to_excel. Kiln loads tables
 * with `data.load` (CSV and JSON), so inside the kernel danfo's `xlsx` import resolves to this.
 */
const unavailable = (): never => {
  throw new Error('Excel files are not supported in Kiln; save the sheet as CSV and load it with data.load');
};
export const read = unavailable;
export const writeFile = unavailable;
export const utils = { sheet_to_json: unavailable, aoa_to_sheet: unavailable, book_new: unavailable, book_append_sheet: unavailable };
export default { read, writeFile, utils };
