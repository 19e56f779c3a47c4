/** plotly.js ships no types for its minified bundle; Kiln uses only the few calls in components/Chart.tsx. */
declare module 'plotly.js-dist-min/plotly.min.js' {
  const plotly: unknown;
  export default plotly;
}
