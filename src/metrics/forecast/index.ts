/**
 * Demand forecasting: pure and synchronous (times are passed in, nothing is read from a clock),
 * shared by the Redis demand path and the simulator.
 */
export { demandToGpu, type GpuNeed, type InferenceLoad, type ModelProfile } from "./capacity.js";
export { decayingPercentile, type HistogramBuckets, VPA_BUCKETS } from "./decaying-histogram.js";
export { ewma } from "./ewma.js";
export {
  DEFAULT_PERCENTILE,
  type Forecast,
  type ForecastOptions,
  forecastSeries,
  MIN_BACKTEST_TARGETS,
  MIN_FORECAST_POINTS,
} from "./forecast-series.js";
export { type HoltWintersOptions, type HoltWintersParams, holtWinters } from "./holt-winters.js";
export { FORECAST_METHODS, type ForecastMethod } from "./methods.js";
export { normaliseSeries, type SeriesPoint, toRegularSteps } from "./series.js";
