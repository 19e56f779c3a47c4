import { useEffect, useRef, useState } from 'react';
import { usePrefersDark } from './usePrefersDark';

type PlotlyModule = {
  react(element: HTMLElement, data: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>): Promise<unknown>;
  purge(element: HTMLElement): void;
};

let plotlyLoading: Promise<PlotlyModule> | null = null;

/** Plotly (~1 MB gzip) enters here only, when the first chart is shown. */
function loadPlotly(): Promise<PlotlyModule> {
  plotlyLoading ??= import('plotly.js-dist-min/plotly.min.js').then((module) => (module.default ?? module) as PlotlyModule);
  return plotlyLoading;
}

type Props = { data: readonly unknown[]; layout: Record<string, unknown>; height?: number };

export function Chart({ data, layout, height = 360 }: Props) {
  const elementRef = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const isDark = usePrefersDark();

  useEffect(() => {
    const element = elementRef.current;
    if (!element) return;
    let isCancelled = false;
    loadPlotly()
      .then((plotly) => {
        if (isCancelled) return;
        const themed = {
          autosize: true,
          height,
          margin: { l: 50, r: 20, t: layout.title ? 40 : 16, b: 40 },
          paper_bgcolor: 'rgba(0,0,0,0)',
          plot_bgcolor: 'rgba(0,0,0,0)',
          font: { color: isDark ? '#d4d4d8' : '#27272a', size: 12 },
          ...layout,
        };
        return plotly.react(element, [...data], themed, { responsive: true, displaylogo: false });
      })
      .catch((reason: unknown) => !isCancelled && setError(String(reason)));
    return () => {
      isCancelled = true;
    };
  }, [data, layout, height, isDark]);

  useEffect(() => {
    const element = elementRef.current;
    return () => {
      if (element && plotlyLoading) void plotlyLoading.then((plotly) => plotly.purge(element));
    };
  }, []);

  if (error) return <div className="output-error">Could not draw the chart: {error}</div>;
  return <div ref={elementRef} className="chart" style={{ minHeight: height }} />;
}
