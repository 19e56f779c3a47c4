/**
 * danfo.js requires plotly.js for its own `.plot()` helpers. Plotly touches `window` when loaded,
 * which a Web Worker does not have, and Kiln draws charts on the main thread anyway; so inside the
 * kernel, danfo's plotly import resolves to this module.
 */
const unavailable = (): never => {
  throw new Error("danfo's built-in plotting is not available in Kiln; use plot(...) to draw a chart");
};
export default { newPlot: unavailable, react: unavailable };
export const newPlot = unavailable;
