/** Types for parse-prometheus-text-format (CommonJS, ships none): the prom2json-compatible output. */
declare module "parse-prometheus-text-format" {
  namespace parsePrometheusTextFormat {
    interface Sample {
      value?: string;
      labels?: Record<string, string>;
      timestamp_ms?: string;
      /** Histograms and summaries only. */
      buckets?: Record<string, string>;
      quantiles?: Record<string, string>;
      count?: string;
      sum?: string;
    }
    interface MetricFamily {
      name: string;
      help: string;
      /** Upper case: COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED. */
      type: string;
      metrics: Sample[];
    }
  }
  /** Throws on a line that breaks the text format. */
  function parsePrometheusTextFormat(text: string): parsePrometheusTextFormat.MetricFamily[];
  export = parsePrometheusTextFormat;
}
