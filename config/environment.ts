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
    if (!istio.multiRevision) {
        return checkOne(istio.chart, istio.version, "istio-mesh:istio.chartDir", "istio.version", root);
    }
    return istio.revisions.flatMap((r) => checkOne(r.chart, r.version, `istio-mesh:istio.revisions.${r.name}.chartDir`, `istio.revisions.${r.name}.version`, root));
}

function checkOne(chart: ChartSource, version: string, key: string, versionKey: string, root: string): Problem[] {
    if (chart.kind !== "local") {
        return [];
    }
    const problems: Problem[] = [];
    for (const name of CHARTS) {
        const file = path.resolve(root, chart.dir, name, "Chart.yaml");
        let text: string;
        try {
            text = fs.readFileSync(file, "utf8");
        } catch {
            problems.push({ key, message: `${file} does not exist: the directory must hold Istio's charts as ${CHARTS.join(", ")}` });
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
