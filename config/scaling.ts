import { Field } from "./field";

/** How many replicas of a Deployment run: a fixed count or an autoscaling range (istiod, gateways). */
export type Scaling = { kind: "fixed"; replicas: number } | { kind: "autoscale"; min: number; max: number; targetCpu: number };

export interface AutoscaleDefaults {
    min: number;
    max: number;
    targetCpu: number;
}

/** Reads `replicas` or `autoscale: {min, max, targetCpu}`, never both; `max` defaults to at least `min`. */
export function parseScaling(replicas: Field, autoscale: Field, d: AutoscaleDefaults): Scaling {
    if (replicas.isSet && autoscale.isSet) {
        autoscale.problem("replicas and autoscale are mutually exclusive: set a fixed replica count or an autoscaling range");
    }
    if (replicas.isSet) {
        return { kind: "fixed", replicas: replicas.integer(1, { min: 1 }) };
    }
    const a = autoscale.object(["min", "max", "targetCpu"]);
    if (!a) {
        return { kind: "autoscale", ...d };
    }
    const min = a.min.integer(d.min, { min: 1 });
    const max = a.max.integer(Math.max(d.max, min), { min: 1 });
    if (max < min) {
        a.max.problem(`must be >= autoscale.min (${min}) (got ${max})`);
    }
    return { kind: "autoscale", min, max, targetCpu: a.targetCpu.integer(d.targetCpu, { min: 1, max: 100 }) };
}
