/**
 * Checks of the stack config against the machine the program runs on, kept apart from the pure parser:
 * a local chart directory must exist and hold the configured Istio version.
 */
import * as fs from "fs";
import * as path from "path";
import type { ChartSource, IstioConfig } from "./istio";
import type { Problem } from "./field";

const CHARTS = ["base", "istiod", "gateway"];

export function checkChartDirectory(istio: IstioConfig, root: string): Problem[] {
    // The CNI node agent comes from the same directory as the others, so it is checked with them.
    const charts = istio.cni?.enabled ? [...CHARTS, "cni"] : CHARTS;
    if (!istio.multiRevision) {
        return checkOne(istio.chart, istio.version, charts, "istio-mesh:istio.chartDir", "istio.version", root);
    }
    return istio.revisions.flatMap((r) =>
        checkOne(r.chart, r.version, charts, `istio-mesh:istio.revisions.${r.name}.chartDir`, `istio.revisions.${r.name}.version`, root),
    );
}

function checkOne(chart: ChartSource, version: string, charts: string[], key: string, versionKey: string, root: string): Problem[] {
    if (chart.kind !== "local") {
        return [];
    }
    const problems: Problem[] = [];
    for (const name of charts) {
        const file = path.resolve(root, chart.dir, name, "Chart.yaml");
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            problems.push({ key, message: `${file} does not exist: the directory must hold Istio's charts as ${charts.join(", ")}` });
            continue;
        }
        const found = /^version:\s*["']?([^"'\s]+)/m.exec(text)?.[1];
        if (found !== version) {
            problems.push({
                key,
                message: `${file} is chart version ${found ?? "(none)"}, but ${versionKey} is ${version}: point chartDir at the ${version} charts or change ${versionKey}`,
            });
        }
    }
    return problems;
}
