/**
 * Checks of the stack config against the machine the program runs on, kept apart from the pure parser:
 * a local chart directory must exist and hold the configured Istio version.
 */
import * as fs from "fs";
import * as path from "path";
import type { IstioConfig } from "./istio";
import type { Problem } from "./field";

const CHARTS = ["base", "istiod", "gateway"];

export function checkChartDirectory(istio: IstioConfig, root: string): Problem[] {
    if (istio.chart.kind !== "local") {
        return [];
    }
    const key = "istio-mesh:istio.chartDir";
    const problems: Problem[] = [];
    // The CNI node agent comes from the same directory as the others, so it is checked with them.
    const charts = istio.cni?.enabled ? [...CHARTS, "cni"] : CHARTS;
    for (const chart of charts) {
        const file = path.resolve(root, istio.chart.dir, chart, "Chart.yaml");
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            problems.push({ key, message: `${file} does not exist: the directory must hold Istio's charts as ${charts.join(", ")}` });
            continue;
        }
        const version = /^version:\s*["']?([^"'\s]+)/m.exec(text)?.[1];
        if (version !== istio.version) {
            problems.push({
                key,
                message: `${file} is chart version ${version ?? "(none)"}, but istio.version is ${istio.version}: point chartDir at the ${istio.version} charts or change istio.version`,
            });
        }
    }
    return problems;
}
