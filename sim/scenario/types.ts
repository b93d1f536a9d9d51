/**
 * A scenario after loading: validated, defaults filled in, data paths absolute, the tierfit config
 * resolved and policy labels normalised. Plain data, so it can be posted to a worker thread.
 */
import type { TierfitConfig } from "../../src/config/schema.js";
import type { FleetSection } from "./fleet-schema.js";
import type {
  ClusterSection,
  FgdSection,
  InferenceSection,
  OpenbSection,
  ScenarioKind,
  SyntheticSection,
  TimedSection,
} from "./schema.js";

interface ScenarioCommon {
  readonly name: string;
  readonly description: string;
  readonly kind: ScenarioKind;
  /** Run labels: a policy name, for inference `<policy>+<scaling>`. */
  readonly policies: readonly string[];
  readonly seeds: readonly number[];
  /** The config the scoring core runs with (tiers, weights, GPU products). */
  readonly config: TierfitConfig;
}

export interface OpenbFgdScenario extends ScenarioCommon {
  readonly kind: "openb-fgd";
  readonly openb: OpenbSection;
  readonly fgd: FgdSection;
}

export interface OpenbTimedScenario extends ScenarioCommon {
  readonly kind: "openb-timed";
  readonly openb: OpenbSection;
  readonly timed: TimedSection;
}

export interface SyntheticScenario extends ScenarioCommon {
  readonly kind: "synthetic";
  readonly cluster: ClusterSection;
  readonly synthetic: SyntheticSection;
  readonly timed: TimedSection;
}

export interface InferenceScenario extends ScenarioCommon {
  readonly kind: "inference";
  readonly cluster: ClusterSection;
  readonly inference: InferenceSection;
}

export interface FleetScenario extends ScenarioCommon {
  readonly kind: "fleet";
  readonly cluster: ClusterSection;
  readonly fleet: FleetSection;
}

export type Scenario = OpenbFgdScenario | OpenbTimedScenario | SyntheticScenario | InferenceScenario | FleetScenario;
