import { describe, expect, it } from "vitest";
import { loadOpenbPods, parseOpenbNodes, parseOpenbPods } from "../../../sim/workloads/openb.js";
import { TierfitError } from "../../../src/errors.js";

const POD_HEADER =
  "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time";
const NODE_HEADER = "sn,cpu_milli,memory_mib,gpu,model";

function pods(...rows: string[]): string {
  return [POD_HEADER, ...rows].join("\n") + "\n";
}

function errorOf(fn: () => unknown): TierfitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TierfitError) return err;
    throw err;
  }
  throw new Error("expected a TierfitError");
}

describe("parseOpenbPods", () => {
  it("reads every column into a typed record", () => {
    const parsed = parseOpenbPods(
      pods(
        "openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061",
        "openb-pod-0002,88000,327680,8,1000,V100M16|V100M32,BE,Pending,500,600,",
        "openb-pod-0003,4000,8192,0,0,,Burstable,Succeeded,10,,10",
      ),
      "pods.csv",
    );
    expect(parsed).toEqual([
      {
        name: "openb-pod-0001",
        milliCpu: 6000,
        memoryMiB: 12288,
        gpuCount: 1,
        gpuMilli: 460,
        gpuSpec: [],
        qos: "LS",
        phase: "Running",
        creationTime: 427061,
        deletionTime: 12902960,
        scheduledTime: 427061,
      },
      {
        name: "openb-pod-0002",
        milliCpu: 88000,
        memoryMiB: 327680,
        gpuCount: 8,
        gpuMilli: 1000,
        gpuSpec: ["V100M16", "V100M32"],
        qos: "BE",
        phase: "Pending",
        creationTime: 500,
        deletionTime: 600,
        scheduledTime: null,
      },
      {
        name: "openb-pod-0003",
        milliCpu: 4000,
        memoryMiB: 8192,
        gpuCount: 0,
        gpuMilli: 0,
        gpuSpec: [],
        qos: "Burstable",
        phase: "Succeeded",
        creationTime: 10,
        deletionTime: null,
        scheduledTime: 10,
      },
    ]);
  });

  it("reads the 5-column multigpu lists, leaving the missing fields null", () => {
    const parsed = parseOpenbPods(
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli\r\nopenb-pod-0000,12000,16384,2,1000\r\n",
      "m.csv",
    );
    expect(parsed).toEqual([
      {
        name: "openb-pod-0000",
        milliCpu: 12000,
        memoryMiB: 16384,
        gpuCount: 2,
        gpuMilli: 1000,
        gpuSpec: [],
        qos: null,
        phase: null,
        creationTime: null,
        deletionTime: null,
        scheduledTime: null,
      },
    ]);
  });

  const GOOD = "openb-pod-0001,6000,12288,1,460,,LS,Running,100,200,100";
  const badRows: [string, string, string][] = [
    [
      "non-numeric gpu_milli",
      "openb-pod-0002,6000,12288,1,abc,,LS,Running,100,200,100",
      'pods.csv:3: column gpu_milli: expected an integer 0..1000, found "abc"',
    ],
    [
      "gpu_milli above 1000",
      "openb-pod-0002,6000,12288,1,1001,,LS,Running,100,200,100",
      'pods.csv:3: column gpu_milli: expected an integer 0..1000, found "1001"',
    ],
    [
      "negative cpu_milli",
      "openb-pod-0002,-5,12288,1,460,,LS,Running,100,200,100",
      'pods.csv:3: column cpu_milli: expected an integer 0 or more, found "-5"',
    ],
    [
      "fractional memory",
      "openb-pod-0002,6000,1.5,1,460,,LS,Running,100,200,100",
      'pods.csv:3: column memory_mib: expected an integer 0 or more, found "1.5"',
    ],
    [
      "empty name",
      ",6000,12288,1,460,,LS,Running,100,200,100",
      'pods.csv:3: column name: expected a non-empty value, found ""',
    ],
    [
      "empty creation_time",
      "openb-pod-0002,6000,12288,1,460,,LS,Running,,200,100",
      'pods.csv:3: column creation_time: expected an integer 0 or more, found ""',
    ],
    [
      "too few columns",
      "openb-pod-0002,6000,12288,1,460,,LS,Running,100,200",
      "pods.csv:3: expected 11 columns (name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time), found 10",
    ],
    [
      "too many columns",
      `${GOOD},extra`,
      "pods.csv:3: expected 11 columns (name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time), found 12",
    ],
    [
      "unknown qos",
      "openb-pod-0002,6000,12288,1,460,,Gold,Running,100,200,100",
      'pods.csv:3: column qos: expected one of LS, BE, Burstable, Guaranteed, found "Gold"',
    ],
    [
      "unknown phase",
      "openb-pod-0002,6000,12288,1,460,,LS,Lost,100,200,100",
      'pods.csv:3: column pod_phase: expected one of Running, Succeeded, Failed, Pending, found "Lost"',
    ],
    [
      "GPU share without GPUs",
      "openb-pod-0002,6000,12288,0,460,,LS,Running,100,200,100",
      'pods.csv:3: column gpu_milli: expected 0 for a pod with num_gpu 0, found "460"',
    ],
    [
      "GPUs without a share",
      "openb-pod-0002,6000,12288,2,0,,LS,Running,100,200,100",
      'pods.csv:3: column gpu_milli: expected 1..1000 for a pod with num_gpu 2, found "0"',
    ],
    [
      "more than 8 GPUs",
      "openb-pod-0002,6000,12288,9,1000,,LS,Running,100,200,100",
      'pods.csv:3: column num_gpu: expected an integer 0..8, found "9"',
    ],
    [
      "deleted before created",
      "openb-pod-0002,6000,12288,1,460,,LS,Running,100,99,100",
      'pods.csv:3: column deletion_time: expected an integer 100 or more, found "99"',
    ],
    [
      "empty model in gpu_spec",
      "openb-pod-0002,6000,12288,1,460,T4|,LS,Running,100,200,100",
      'pods.csv:3: column gpu_spec: expected GPU models separated by |, none empty, found "T4|"',
    ],
    [
      "duplicate name",
      GOOD,
      'pods.csv:3: column name: expected a name not used before (line 2 has it too), found "openb-pod-0001"',
    ],
    [
      "quoted field",
      'openb-pod-0002,"6000",12288,1,460,,LS,Running,100,200,100',
      "pods.csv:3: quoted fields are not supported",
    ],
    ["blank line", "", "pods.csv:3: empty line inside the data"],
  ];

  it.each(badRows)("rejects a row with %s, naming file, line and column", (_what, row, message) => {
    const err = errorOf(() => parseOpenbPods(pods(GOOD, row, GOOD.replace("0001", "0009")), "pods.csv"));
    expect(err.code).toBe("TF_ERR_INPUT");
    expect(err.message.startsWith(message)).toBe(true);
  });

  it("rejects a header that is not the pod list's, naming the expected columns", () => {
    const err = errorOf(() => parseOpenbPods("name,cpu,mem\nx,1,2\n", "p.csv"));
    expect(err.message).toBe(
      `p.csv:1: header: expected columns "${POD_HEADER}" or "name,cpu_milli,memory_mib,num_gpu,gpu_milli", found "name,cpu,mem"`,
    );
    expect(errorOf(() => parseOpenbPods("", "empty.csv")).message).toBe(
      "empty.csv: the file is empty; expected a header line",
    );
  });

  it("says which file it could not open", () => {
    const err = errorOf(() => loadOpenbPods("no/such/pods.csv"));
    expect(err.message).toBe("no/such/pods.csv: cannot read the trace file (no such file)");
  });
});

describe("parseOpenbNodes", () => {
  it("reads GPU and CPU-only nodes", () => {
    const text = `${NODE_HEADER}\nopenb-node-0000,64000,262144,2,P100\nopenb-node-0001,32000,262144,0,\n`;
    expect(parseOpenbNodes(text, "nodes.csv")).toEqual([
      { name: "openb-node-0000", milliCpu: 64000, memoryMiB: 262144, gpus: 2, model: "P100" },
      { name: "openb-node-0001", milliCpu: 32000, memoryMiB: 262144, gpus: 0, model: "" },
    ]);
  });

  const badNodes: [string, string, string][] = [
    [
      "a GPU node without a model",
      "n1,64000,262144,8,",
      'nodes.csv:2: column model: expected a GPU model for a node with 8 GPUs, found ""',
    ],
    [
      "a model on a CPU-only node",
      "n1,64000,262144,0,T4",
      'nodes.csv:2: column model: expected no model on a node with gpu 0, found "T4"',
    ],
    ["zero CPU", "n1,0,262144,8,T4", 'nodes.csv:2: column cpu_milli: expected an integer 1 or more, found "0"'],
    ["non-numeric gpu", "n1,64000,262144,eight,T4", 'nodes.csv:2: column gpu: expected an integer 0..8, found "eight"'],
    [
      "wrong column count",
      "n1,64000,262144,8",
      "nodes.csv:2: expected 5 columns (sn,cpu_milli,memory_mib,gpu,model), found 4",
    ],
  ];

  it.each(badNodes)("rejects %s", (_what, row, message) => {
    expect(errorOf(() => parseOpenbNodes(`${NODE_HEADER}\n${row}\n`, "nodes.csv")).message).toBe(message);
  });
});
